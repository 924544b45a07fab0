/** Reads one file from a position and yields its records (or what is wrong with each bad one). */

import { close, open as openFile, read } from 'node:fs'
import { promisify } from 'node:util'
import { headerNames, parseCsvRecord, typed } from './csv.ts'
import { controlCharacter, DataError, decodeRecord, kindOf } from './decode.ts'
import type { Format } from './files.ts'
import { jsonElements } from './json-array.ts'
import { type ByteSource, spans } from './spans.ts'

/** Where reading stands in a file; `offset` is only meaningful for uncompressed NDJSON and CSV. */
export interface Position {
  offset: number
  row: number
  line: number
}

export interface Item {
  data?: Record<string, unknown>
  /** What is wrong with this record (the record is skipped or the run fails, per `on_error`). */
  problem?: string
  /** 1-based record number in the file (CSV: data rows, header excluded). */
  row: number
  line: number
  /** Position just after this record. */
  after: Position
}

export interface FileSpec {
  path: string
  format: Format
  gzip: boolean
  delimiter: string
}

export const START: Position = { offset: 0, row: 0, line: 0 }

function stream(spec: FileSpec): ReadableStream<Uint8Array> {
  const file = Bun.file(spec.path).stream()
  return spec.gzip ? file.pipeThrough(new DecompressionStream('gzip')) : file
}

/**
 * The bytes of the file from `offset` (gzip: decompressed, from the start). A plain file is read
 * straight into the caller's buffer: no new buffer per read.
 */
async function open(spec: FileSpec, offset: number): Promise<ByteSource> {
  if (spec.gzip) return streamSource(stream(spec))
  // A plain descriptor, not a FileHandle: Bun fails the process when the GC finds an unclosed one.
  const fd = await openAsync(spec.path, 'r')
  let position = offset
  return {
    async read(into, at) {
      const bytes = await readAsync(fd, into, at, into.length - at, position)
      position += bytes
      return bytes
    },
    close: () => closeAsync(fd),
  }
}

const openAsync = promisify(openFile)
const closeAsync = promisify(close)
const readAsync = (fd: number, into: Uint8Array, at: number, length: number, position: number) =>
  new Promise<number>((resolve, reject) =>
    read(fd, into, at, length, position, (error, bytes) => (error ? reject(error) : resolve(bytes))),
  )

/** A stream as a ByteSource: each chunk is copied into the caller's buffer, as much as fits. */
function streamSource(input: ReadableStream<Uint8Array>): ByteSource {
  const reader = input.getReader()
  let chunk: Uint8Array = new Uint8Array(0)
  let used = 0
  return {
    async read(into, at) {
      while (used === chunk.length) {
        const { done, value } = await reader.read()
        if (done) return 0
        chunk = value
        used = 0
      }
      const n = Math.min(chunk.length - used, into.length - at)
      into.set(chunk.subarray(used, used + n), at)
      used += n
      return n
    },
    close: () => reader.cancel(),
  }
}

/** Compressed files and JSON arrays have no byte offset to seek to: they resume by skipping rows. */
export function seekable(spec: FileSpec): boolean {
  return !spec.gzip && spec.format !== 'json'
}

/** The records of a file from `from`, a chunk's worth at a time. */
export async function* readItems(spec: FileSpec, from: Position): AsyncGenerator<Item[]> {
  if (spec.format === 'json') yield* jsonItems(spec, from)
  else yield* lineItems(spec, from)
}

async function* lineItems(spec: FileSpec, from: Position): AsyncGenerator<Item[]> {
  const csv = spec.format === 'csv'
  const seek = seekable(spec)
  const offset = seek ? from.offset : 0
  let header: string[] | undefined
  if (csv && offset > 0) header = await readHeader(spec)
  let row = seek ? from.row : 0
  const source = spans(await open(spec, offset), { quotes: csv, offset, linesBefore: seek ? from.line : 0 })
  for await (const batch of source) {
    const items: Item[] = []
    for (const span of batch) {
      if (isBlank(span.bytes)) continue
      const decoded = decodeRecord(span.bytes)
      if (csv && !header) {
        header = parseHeader(decoded, spec.delimiter, span.line)
        continue
      }
      row++
      if (row <= from.row) continue // resuming a file that cannot seek
      // Non-seekable files resume by row alone; line numbers are recounted while skipping.
      const after = seek ? { offset: span.end, row, line: span.linesAfter } : { offset: 0, row, line: 0 }
      const item: Item = { row, line: span.line, after }
      if ('problem' in decoded) item.problem = decoded.problem
      else if (csv) Object.assign(item, csvRecord(decoded.text, header!, spec.delimiter))
      else Object.assign(item, jsonRecord(decoded.text))
      items.push(item)
    }
    if (items.length > 0) yield items
  }
}

function parseHeader(
  decoded: { text: string } | { problem: string },
  delimiter: string,
  line: number,
): string[] {
  if ('problem' in decoded) throw new DataError(`header: ${decoded.problem}`, line)
  const parsed = parseCsvRecord(decoded.text, delimiter)
  if ('problem' in parsed) throw new DataError(`header: ${parsed.problem}`, line)
  return headerNames(parsed.fields)
}

function jsonRecord(text: string): Pick<Item, 'data' | 'problem'> {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    const control = controlCharacter(text)
    if (control) return { problem: control }
    return { problem: `malformed JSON (${error instanceof Error ? error.message : String(error)})` }
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { problem: `the line is ${kindOf(value)}, not a JSON object` }
  }
  return { data: value as Record<string, unknown> }
}

function csvRecord(text: string, header: string[], delimiter: string): Pick<Item, 'data' | 'problem'> {
  const control = controlCharacter(text)
  if (control) return { problem: control }
  const parsed = parseCsvRecord(text, delimiter)
  if ('problem' in parsed) return parsed
  if (parsed.fields.length > header.length) {
    return { problem: `${parsed.fields.length} fields but the header has ${header.length}` }
  }
  const data: Record<string, unknown> = {}
  for (let i = 0; i < header.length; i++) {
    data[header[i]!] = i < parsed.fields.length ? typed(parsed.fields[i]!, parsed.quoted[i]!) : null
  }
  return { data }
}

async function readHeader(spec: FileSpec): Promise<string[]> {
  const source = spans(await open(spec, 0), { quotes: true, offset: 0, linesBefore: 0 })
  try {
    for await (const batch of source) {
      const span = batch.find((one) => !isBlank(one.bytes))
      if (span) return parseHeader(decodeRecord(span.bytes), spec.delimiter, span.line)
    }
  } finally {
    await source.return(undefined)
  }
  throw new DataError('the header row is missing', 1)
}

async function* jsonItems(spec: FileSpec, from: Position): AsyncGenerator<Item[]> {
  let row = 0
  for await (const batch of jsonElements(stream(spec))) {
    const items: Item[] = []
    for (const element of batch) {
      row++
      if (row <= from.row) continue
      const item: Item = { row, line: element.line, after: { offset: 0, row, line: 0 } }
      const parsed = jsonRecord(element.text)
      if (parsed.problem) item.problem = parsed.problem.replace('the line is', `element ${row} is`)
      else item.data = parsed.data
      items.push(item)
    }
    if (items.length > 0) yield items
  }
}

function isBlank(bytes: Uint8Array): boolean {
  for (const b of bytes) if (b !== 0x20 && b !== 0x09 && b !== 0x0d) return false
  return true
}

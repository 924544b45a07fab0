/** COPY FROM STDIN (text format) for the postgres destination: encoding and streaming of rows. */
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { Sql, TransactionSql } from 'postgres'
import { type DestinationRecord, IsoCache } from '../../../src/index.ts'
import { type Layout, rowValues } from '../../shared/sql/columns.ts'

const SPECIAL = /[\\\n\r\t]/
const SPECIAL_ALL = /[\\\n\r\t]/g
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' }

/** Escapes one value for COPY text format: backslash, newline, CR and tab. */
export function escapeCopy(text: string): string {
  return SPECIAL.test(text) ? text.replace(SPECIAL_ALL, (c) => ESCAPES[c]) : text
}

/**
 * One field in COPY text format (`\N` is NULL). `json`: the value is a parsed payload value going
 * to a json column, so even a string is encoded (envelope `source_data` is JSON text already).
 */
export function copyField(value: unknown, json: boolean): string {
  if (value === null || value === undefined) return '\\N'
  if (json) return escapeCopy(JSON.stringify(value))
  if (typeof value === 'string') return escapeCopy(value)
  if (value instanceof Date) return value.toISOString()
  if (typeof value === 'number' || typeof value === 'bigint') return String(value)
  if (typeof value === 'boolean') return value ? 't' : 'f'
  return escapeCopy(JSON.stringify(value))
}

const CHUNK = 1 << 20

/** JSON text made by JSON.stringify has no raw newline, CR or tab: only backslashes need doubling. */
function escapeJsonText(text: string): string {
  return text.includes('\\') ? text.replaceAll('\\', '\\\\') : text
}

/** Envelope rows: bizon_id is hex and the dates ISO, so only the record id and the data are escaped. */
function* envelopeChunks(records: DestinationRecord[]): Generator<string> {
  const extracted = new IsoCache('Z')
  const loaded = new IsoCache('Z')
  const timestamp = new IsoCache('Z')
  let lines: string[] = []
  let size = 0
  for (const r of records) {
    const line = `${r.bizon_id}\t${extracted.format(r.bizon_extracted_at)}\t${loaded.format(r.bizon_loaded_at)}\t${escapeCopy(r.source_record_id)}\t${timestamp.format(r.source_timestamp)}\t${escapeJsonText(r.source_data)}\n`
    lines.push(line)
    size += line.length
    if (size >= CHUNK) {
      yield lines.join('')
      lines = []
      size = 0
    }
  }
  if (lines.length) yield lines.join('')
}

/** COPY text of the records, yielded in ~1 MB chunks so a large batch is never one huge string. */
export function* copyChunks(records: DestinationRecord[], layout: Layout): Generator<string> {
  if (!layout.unnest) {
    yield* envelopeChunks(records)
    return
  }
  const json = layout.columns.map((c) => layout.unnest && c.kind === 'json')
  const width = json.length
  let chunk = ''
  for (const record of records) {
    const values = rowValues(record, layout)
    let line = copyField(values[0], json[0])
    for (let i = 1; i < width; i++) line += `\t${copyField(values[i], json[i])}`
    chunk += `${line}\n`
    if (chunk.length >= CHUNK) {
      yield chunk
      chunk = ''
    }
  }
  if (chunk) yield chunk
}

/** Streams the records into `rel` with one COPY statement (atomic: all rows or none). */
export async function copyInto(
  sql: Sql | TransactionSql,
  rel: string,
  columns: string,
  records: DestinationRecord[],
  layout: Layout,
): Promise<void> {
  const query = sql.unsafe(`COPY ${rel} (${columns}) FROM STDIN`)
  const writable = await query.writable()
  // postgres.js 3.4 hands an error the server sends after the last row (a bad value, a constraint)
  // only to the query, whose promise resolved already with the stream: the pipeline would then
  // wait forever. Take that error from the query instead.
  const failed = new Promise<never>((_, reject) => {
    ;(query as unknown as { reject: (error: unknown) => void }).reject = reject
  })
  failed.catch(() => {}) // also reported by the pipeline when it fails first
  await Promise.race([
    pipeline(Readable.from(copyChunks(records, layout), { objectMode: false }), writable),
    failed,
  ])
}

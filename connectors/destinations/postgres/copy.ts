/** COPY FROM STDIN (text format) for the postgres destination: encoding and streaming of rows. */
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

/**
 * A COPY FROM STDIN kept open while pages arrive: each page's text is streamed in as it comes, and
 * the server parses one page while the next is encoded. Its rows are all taken or none (end/abort).
 */
export interface CopyStream {
  /** Streams COPY text in, waiting while the connection is behind; throws once the server refused a row. */
  send(chunks: Iterable<string>): Promise<void>
  /** Ends the COPY and waits until the server took every row, or throws the error of the row it refused. */
  end(): Promise<void>
  /** Cancels the COPY (its rows are discarded) and waits until the connection takes statements again. Never throws. */
  abort(): Promise<void>
}

export async function openCopy(sql: Sql | TransactionSql, rel: string, columns: string): Promise<CopyStream> {
  const query = sql.unsafe(`COPY ${rel} (${columns}) FROM STDIN`)
  const writable = await query.writable()
  let failure: unknown
  let fail!: (error: unknown) => void
  let answer!: () => void
  /** Settles when the server answered the statement: resolves on success, rejects on the first error. */
  const done = new Promise<void>((resolve, reject) => {
    fail = (error) => {
      failure ??= error
      reject(failure)
    }
    writable.once('finish', resolve)
  })
  done.catch(() => {}) // awaited by send, end and abort; a failure nobody asks for is dropped with the transaction
  /** Resolves once the connection is past the COPY (any outcome), so the next statement can go. */
  const answered = new Promise<void>((resolve) => {
    answer = resolve
  })
  writable.once('finish', answer)
  // A row the server refuses mid-stream destroys the writable (an 'error' event); one refused after
  // the last row reaches only the query, whose promise resolved already with the stream (postgres.js
  // 3.4), so its rejection is taken here instead.
  writable.on('error', fail)
  ;(query as unknown as { reject: (error: unknown) => void }).reject = (error) => {
    fail(error)
    answer()
  }
  /** The writable took what it had buffered, or was destroyed (a failure: send then throws it). */
  const drained = () =>
    new Promise<void>((resolve) => {
      const go = () => {
        writable.off('drain', go)
        writable.off('close', go)
        resolve()
      }
      writable.on('drain', go)
      writable.on('close', go)
    })

  /** Why the COPY cannot take more rows, if it cannot (the 'error' event may still be on its way). */
  const refused = () =>
    failure ?? writable.errored ?? (writable.destroyed ? new Error('the COPY ended early') : undefined)

  return {
    async send(chunks) {
      for (const chunk of chunks) {
        const error = refused()
        if (error) throw error
        if (!writable.write(chunk)) await drained()
      }
      const error = refused()
      if (error) throw error
    },
    async end() {
      if (!writable.destroyed && !writable.writableEnded) writable.end()
      await done
    },
    async abort() {
      if (!writable.destroyed && !writable.writableEnded) {
        try {
          writable.destroy(new Error('the rows were rolled back')) // CopyFail: the server discards them
        } catch {} // a connection already gone has nothing to cancel
      }
      await answered
    },
  }
}

/** Streams the records into `rel` with one COPY statement (atomic: all rows or none). */
export async function copyInto(
  sql: Sql | TransactionSql,
  rel: string,
  columns: string,
  records: DestinationRecord[],
  layout: Layout,
): Promise<void> {
  const copy = await openCopy(sql, rel, columns)
  try {
    await copy.send(copyChunks(records, layout))
    await copy.end()
  } catch (error) {
    await copy.abort()
    throw error
  }
}

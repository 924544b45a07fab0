/** Splits a byte stream into records (NDJSON lines, or CSV records whose quoted fields may hold newlines). */

export interface Span {
  /** The record without its line ending. */
  bytes: Uint8Array
  /** 1-based line the record starts on. */
  line: number
  /** Absolute byte offset just after the record and its newline (where a resume starts). */
  end: number
  /** Lines read once this record is done (the next record starts on `linesAfter + 1`). */
  linesAfter: number
}

/**
 * Where the records come from: `read` adds bytes to `into` from index `at` (at most up to its end)
 * and resolves to how many, 0 at the end.
 */
export interface ByteSource {
  read(into: Uint8Array, at: number): Promise<number>
  close(): Promise<void>
}

const LF = 0x0a
const CR = 0x0d
const QUOTE = 0x22
const NONE = Number.MAX_SAFE_INTEGER
/** Bytes read at a time into the one buffer; it grows (doubles) only for a longer record. */
export const READ_BYTES = 256 * 1024

/**
 * `offset` is where the source starts in the file and `linesBefore` the lines before it, so offsets
 * and line numbers stay absolute after a resume. Memory holds one buffer (a read plus one partial
 * record), reused for every read, whatever the file size: the spans of a batch are views into it,
 * valid until the consumer asks for the next batch. Yields the records of each read together: one
 * await per read, not per record.
 */
export async function* spans(
  source: ByteSource,
  options: { quotes: boolean; offset: number; linesBefore: number },
): AsyncGenerator<Span[]> {
  let buffer: Uint8Array = new Uint8Array(READ_BYTES)
  let length = 0 // bytes held: the unfinished record at the front, then the last read
  let bufferStart = options.offset // file offset of buffer[0]
  let line = options.linesBefore
  let scan = 0 // where the search for the record end resumes
  let inQuotes = false
  let nextQuote = -1 // next quote byte not yet counted: -1 unknown, NONE when there is none in the buffer
  let innerLines = 0
  try {
    for (;;) {
      if (length === buffer.length) buffer = grown(buffer) // one record longer than the buffer
      const read = await source.read(buffer, length)
      if (read === 0) break
      length += read
      const view = buffer.subarray(0, length)
      const batch: Span[] = []
      let start = 0
      for (;;) {
        let end = -1
        if (options.quotes) {
          // Jump from quote to newline with indexOf (native) instead of looking at every byte.
          const find = (from: number) => {
            const q = view.indexOf(QUOTE, from)
            return q < 0 ? NONE : q
          }
          for (let pos = scan; ; ) {
            const lf = view.indexOf(LF, pos)
            const limit = lf < 0 ? length : lf
            if (nextQuote < pos) nextQuote = find(pos)
            while (nextQuote < limit) {
              inQuotes = !inQuotes // "" inside quotes toggles twice: still inside
              nextQuote = find(nextQuote + 1)
            }
            if (lf < 0) break
            if (!inQuotes) {
              end = lf
              break
            }
            innerLines++
            pos = lf + 1
          }
        } else {
          end = view.indexOf(LF, scan)
        }
        if (end < 0) {
          scan = length
          break
        }
        const stop = end > start && view[end - 1] === CR ? end - 1 : end
        const first = line + 1
        line += 1 + innerLines
        innerLines = 0
        batch.push({
          bytes: view.subarray(start, stop),
          line: first,
          end: bufferStart + end + 1,
          linesAfter: line,
        })
        start = end + 1
        scan = start
      }
      if (batch.length > 0) yield batch
      // Keep only the unfinished record, at the front: the next read goes after it.
      buffer.copyWithin(0, start, length)
      length -= start
      bufferStart += start
      scan = length // everything left was scanned; its quotes are counted in inQuotes
      nextQuote = -1
    }
    if (length > 0) {
      const stop = buffer[length - 1] === CR ? length - 1 : length
      yield [
        {
          bytes: buffer.subarray(0, stop),
          line: line + 1,
          end: bufferStart + length,
          linesAfter: line + 1 + innerLines,
        },
      ]
    }
  } finally {
    await source.close().catch(() => {})
  }
}

function grown(buffer: Uint8Array): Uint8Array {
  const out = new Uint8Array(buffer.length * 2)
  out.set(buffer, 0)
  return out
}

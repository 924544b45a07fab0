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

const LF = 0x0a
const CR = 0x0d
const QUOTE = 0x22
const NONE = Number.MAX_SAFE_INTEGER

/**
 * `offset` is where the stream starts in the file and `linesBefore` the lines before it, so offsets
 * and line numbers stay absolute after a resume. Reads chunk by chunk: memory holds one chunk plus
 * one partial record, whatever the file size. Yields the records of each chunk together: one await
 * per chunk, not per record.
 */
export async function* spans(
  stream: ReadableStream<Uint8Array>,
  options: { quotes: boolean; offset: number; linesBefore: number },
): AsyncGenerator<Span[]> {
  const reader = stream.getReader()
  let buffer: Uint8Array = new Uint8Array(0)
  let bufferStart = options.offset // file offset of buffer[0]
  let line = options.linesBefore
  let scan = 0 // where the search for the record end resumes
  let inQuotes = false
  let nextQuote = -1 // next quote byte not yet counted: -1 unknown, NONE when there is none in the buffer
  let innerLines = 0
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      buffer = buffer.length === 0 ? value : concat(buffer, value)
      const batch: Span[] = []
      let start = 0
      for (;;) {
        let end = -1
        if (options.quotes) {
          // Jump from quote to newline with indexOf (native) instead of looking at every byte.
          const find = (from: number) => {
            const q = buffer.indexOf(QUOTE, from)
            return q < 0 ? NONE : q
          }
          for (let pos = scan; ; ) {
            const lf = buffer.indexOf(LF, pos)
            const limit = lf < 0 ? buffer.length : lf
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
          end = buffer.indexOf(LF, scan)
        }
        if (end < 0) {
          scan = buffer.length
          break
        }
        const stop = end > start && buffer[end - 1] === CR ? end - 1 : end
        const first = line + 1
        line += 1 + innerLines
        innerLines = 0
        batch.push({
          bytes: buffer.subarray(start, stop),
          line: first,
          end: bufferStart + end + 1,
          linesAfter: line,
        })
        start = end + 1
        scan = start
      }
      if (batch.length > 0) yield batch
      // Keep only the unfinished record.
      buffer = buffer.subarray(start)
      bufferStart += start
      scan = buffer.length // everything left was scanned; its quotes are counted in inQuotes
      nextQuote = -1
    }
    if (buffer.length > 0) {
      const stop = buffer[buffer.length - 1] === CR ? buffer.length - 1 : buffer.length
      yield [
        {
          bytes: buffer.subarray(0, stop),
          line: line + 1,
          end: bufferStart + buffer.length,
          linesAfter: line + 1 + innerLines,
        },
      ]
    }
  } finally {
    await reader.cancel().catch(() => {})
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length)
  out.set(a, 0)
  out.set(b, a.length)
  return out
}

import { DataError } from './decode.ts'

/** Streams the elements of a top-level JSON array without holding the whole document. */

export interface Element {
  text: string
  /** 1-based line where the element starts. */
  line: number
}

const WS = new Set([0x20, 0x09, 0x0a, 0x0d])

/**
 * Scans characters, tracking strings and nesting depth, and cuts an element at each `,` or `]` at
 * depth 0; each element is parsed on its own by the caller.
 */
export async function* jsonElements(stream: ReadableStream<Uint8Array>): AsyncGenerator<Element[]> {
  const reader = stream.getReader()
  const decoder = new TextDecoder('utf-8', { fatal: true })
  let state: 'before' | 'between' | 'inside' | 'done' = 'before'
  let line = 1
  let elementLine = 1
  let parts: string[] = []
  let depth = 0
  let inString = false
  let escaped = false
  try {
    for (;;) {
      const { done, value } = await reader.read()
      let text: string
      try {
        text = done ? decoder.decode() : decoder.decode(value, { stream: true })
      } catch {
        throw new DataError('invalid UTF-8', line)
      }
      const batch: Element[] = []
      let start = 0
      for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i)
        if (c === 0x0a) line++
        if (state === 'inside') {
          if (inString) {
            if (escaped) escaped = false
            else if (c === 0x5c) escaped = true
            else if (c === 0x22) inString = false
            continue
          }
          if (c === 0x22) inString = true
          else if (c === 0x7b || c === 0x5b) depth++
          else if ((c === 0x7d || c === 0x5d) && depth > 0) depth--
          else if (depth === 0 && (c === 0x2c || c === 0x5d)) {
            parts.push(text.slice(start, i))
            batch.push({ text: parts.join(''), line: elementLine })
            parts = []
            state = c === 0x2c ? 'between' : 'done'
          }
          continue
        }
        if (WS.has(c)) continue
        if (state === 'before') {
          if (c !== 0x5b) throw new DataError(`expected a JSON array, found "${text[i]}"`, line)
          state = 'between'
        } else if (state === 'between') {
          if (c === 0x5d) {
            state = 'done'
            continue
          }
          state = 'inside'
          start = i
          elementLine = line
          depth = 0
          i-- // let the inside branch see this character (it may open a string or an object)
        } else if (state === 'done') {
          throw new DataError(`unexpected "${text[i]}" after the end of the array`, line)
        }
      }
      if (state === 'inside') parts.push(text.slice(start))
      if (batch.length > 0) yield batch
      if (done) break
    }
    if (state === 'inside' || state === 'between')
      throw new DataError('the array is not closed (file cut short?)', line)
    if (state === 'before') throw new DataError('expected a JSON array, found an empty file', line)
  } finally {
    await reader.cancel().catch(() => {})
  }
}

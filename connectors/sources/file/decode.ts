/** Bytes → text with the checks that make bad data errors precise: invalid UTF-8 and control characters. */

const utf8 = new TextDecoder('utf-8', { fatal: true })

/** Control characters JSON and CSV text never hold raw (tab, LF and CR are fine). */
const CONTROL = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/

/** The text, or a description of what is wrong. */
export function decodeRecord(bytes: Uint8Array): { text: string } | { problem: string } {
  let text: string
  try {
    text = utf8.decode(bytes)
  } catch {
    return { problem: `invalid UTF-8 at byte ${invalidUtf8At(bytes) + 1} of the record` }
  }
  return { text }
}

/** A problem when the text holds a raw control character, naming it and its column. */
export function controlCharacter(text: string): string | undefined {
  const match = CONTROL.exec(text)
  if (!match) return undefined
  const code = match[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')
  return `control character U+${code} at column ${match.index + 1}`
}

/** Index of the first byte that starts an invalid UTF-8 sequence. */
export function invalidUtf8At(bytes: Uint8Array): number {
  let i = 0
  while (i < bytes.length) {
    const b = bytes[i]!
    const need =
      b < 0x80 ? 0 : b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1
    if (need < 0) return i
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k]
      if (c === undefined || (c & 0xc0) !== 0x80) return i
    }
    i += need + 1
  }
  return i
}

/** The kind of a JSON value in words, for "is a list, not an object". */
export function kindOf(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'a list'
  return `a ${typeof value}`
}

/** A problem that ends reading the file whatever `on_error` says (no header, not an array, ...). */
export class DataError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message)
  }
}

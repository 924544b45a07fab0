/** One CSV record (RFC 4180) → fields, and fields → typed values. */

/** Fields of one record, or what is wrong with it. `quoted[i]` tells whether field i was quoted. */
export function parseCsvRecord(
  text: string,
  delimiter: string,
): { fields: string[]; quoted: boolean[] } | { problem: string } {
  const fields: string[] = []
  const quoted: boolean[] = []
  let i = 0
  for (;;) {
    if (text[i] === '"') {
      let value = ''
      let j = i + 1
      for (;;) {
        const close = text.indexOf('"', j)
        if (close < 0) return { problem: `unterminated quoted field starting at column ${i + 1}` }
        value += text.slice(j, close)
        if (text[close + 1] === '"') {
          value += '"'
          j = close + 2
          continue
        }
        i = close + 1
        break
      }
      if (i < text.length && text[i] !== delimiter) {
        return { problem: `unexpected text after the closing quote at column ${i + 1}` }
      }
      fields.push(value)
      quoted.push(true)
    } else {
      const next = text.indexOf(delimiter, i)
      const end = next < 0 ? text.length : next
      const value = text.slice(i, end)
      if (value.includes('"'))
        return { problem: `a quote inside an unquoted field at column ${i + 1 + value.indexOf('"')}` }
      fields.push(value)
      quoted.push(false)
      i = end
    }
    if (i >= text.length) return { fields, quoted }
    i++ // skip the delimiter
    if (i === text.length) {
      fields.push('')
      quoted.push(false)
      return { fields, quoted }
    }
  }
}

const NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/

/**
 * Typed value of a field: numbers (not ones with leading zeros like zip codes, nor integers too big
 * for a double), `true`/`false`, empty → null. A quoted empty field `""` is the empty string.
 */
export function typed(value: string, quoted: boolean): unknown {
  if (value === '') return quoted ? '' : null
  if (NUMBER.test(value)) {
    const n = Number(value)
    if (Number.isFinite(n) && (!Number.isInteger(n) || Number.isSafeInteger(n) || /[.eE]/.test(value)))
      return n
    return value
  }
  const lower = value.toLowerCase()
  if (lower === 'true') return true
  if (lower === 'false') return false
  return value
}

/** Header names made unique (`a`, `a_2`) and never empty (`column_3`). */
export function headerNames(fields: string[]): string[] {
  const seen = new Map<string, number>()
  return fields.map((raw, i) => {
    const name = raw.trim() || `column_${i + 1}`
    const count = (seen.get(name) ?? 0) + 1
    seen.set(name, count)
    return count === 1 ? name : `${name}_${count}`
  })
}

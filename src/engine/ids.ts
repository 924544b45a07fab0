/** Id and timestamp encodings shared with the state tables (reference §5.1). */

/** A new 32-char lowercase hex UUID4. */
export function newId(): string {
  // Slicing around the dashes is ~40 % faster than replaceAll on the per-record path.
  const u = crypto.randomUUID()
  return u.slice(0, 8) + u.slice(9, 13) + u.slice(14, 18) + u.slice(19, 23) + u.slice(24)
}

/**
 * `n` new ids at once (the per-record path): one random fill and one hex conversion per batch,
 * then 32-char slices of that flat string: ~5x faster than `n` calls of newId, and no ropes.
 */
export function newIds(n: number): string[] {
  const bytes = Buffer.allocUnsafe(16 * n)
  crypto.getRandomValues(bytes)
  for (let at = 0; at < bytes.length; at += 16) {
    bytes[at + 6] = (bytes[at + 6]! & 0x0f) | 0x40 // version 4
    bytes[at + 8] = (bytes[at + 8]! & 0x3f) | 0x80 // variant 10xx
  }
  const hex = bytes.toString('hex')
  const ids = new Array<string>(n)
  for (let i = 0; i < n; i++) ids[i] = hex.slice(32 * i, 32 * i + 32)
  return ids
}

/** `YYYY-MM-DD HH:MM:SS.ffffff` in UTC (microseconds are always 000 from a JS Date). */
export function formatTimestamp(date: Date): string {
  const iso = date.toISOString() // 2024-12-05T12:00:00.123Z
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}000`
}

/** Parses `YYYY-MM-DD HH:MM:SS[.ffffff]` (UTC) back to a Date. */
export function parseTimestamp(text: string): Date {
  const [day, time = '00:00:00'] = text.trim().split(/[ T]/)
  const [hms, frac = ''] = time.replace(/Z|[+-]\d\d:?\d\d$/, '').split('.')
  const ms = frac ? frac.padEnd(3, '0').slice(0, 3) : '000'
  return new Date(`${day}T${hms}.${ms}Z`)
}

/** ISO-8601 with a `+00:00` offset and microseconds, as the file destination writes. */
export function isoWithOffset(date: Date): string {
  const iso = date.toISOString()
  return `${iso.slice(0, 23)}000+00:00`
}

/** Sizes (`64MB`, `1GiB`, bytes) and durations (`30s`, `7d`, seconds) as written in queue configs. */

const SIZE_UNITS: Record<string, number> = { '': 1, k: 1e3, m: 1e6, g: 1e9, t: 1e12 }
const BINARY_UNITS: Record<string, number> = { k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40 }

/** Bytes; numbers are bytes, `-1` means no limit. */
export function parseSize(value: number | string): number {
  if (typeof value === 'number') return value
  const match = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(i?)b?\s*$/i.exec(value)
  if (!match) throw new Error(`"${value}" is not a size such as 64MB`)
  const unit = match[2]!.toLowerCase()
  const factor = match[3] ? BINARY_UNITS[unit]! : SIZE_UNITS[unit]!
  return Math.round(Number(match[1]) * factor)
}

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1e3, m: 60e3, h: 3600e3, d: 86400e3 }

/** Milliseconds; plain numbers are seconds. */
export function parseDurationMs(value: number | string): number {
  if (typeof value === 'number') return value * 1000
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/.exec(value)
  if (!match) throw new Error(`"${value}" is not a duration such as 30s`)
  return Math.round(Number(match[1]) * DURATION_UNITS[match[2] ?? 's']!)
}

/** JetStream configs take nanoseconds. */
export const msToNanos = (ms: number): number => ms * 1_000_000

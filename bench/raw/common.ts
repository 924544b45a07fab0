/** Shared by the raw primitives: the synthetic source's records rebuilt with no engine, args, result line. */

const NAMES = ['axolotl', 'badger', 'capybara', 'dingo', 'echidna', 'fennec', 'gecko', 'hedgehog']
const BASE = Date.parse('2024-01-01T00:00:00Z')

export interface Data {
  id: number
  name: string
  score: number
  updated_at: string
  filler: string
}

/**
 * Record `i` of `connectors/sources/synthetic` with seed 1: the same keys, values and size, so a
 * raw primitive and a pipeline move the same bytes.
 */
export function recordMaker(records: number, recordBytes: number): (i: number) => Data {
  const probe = {
    id: Math.max(0, records - 1),
    name: 'hedgehog',
    score: 999.99,
    updated_at: iso(BASE),
    filler: '',
  }
  const filler = 'x'.repeat(Math.max(0, recordBytes - JSON.stringify(probe).length))
  return (i) => ({
    id: i,
    name: NAMES[(i + 1) & 7]!,
    score: ((i * 7919 + 104729) % 100000) / 100,
    updated_at: iso(BASE + i),
    filler,
  })
}

function iso(ms: number): string {
  return new Date(ms).toISOString()
}

/** The envelope's timestamp text (reference §8.3): ISO with microseconds and +00:00. */
export function isoOffset(date: Date): string {
  return `${date.toISOString().slice(0, 23)}000+00:00`
}

export function newId(): string {
  return crypto.randomUUID().replaceAll('-', '')
}

/** `--name value` from argv, else the default. */
export function arg(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`)
  return at >= 0 && at + 1 < process.argv.length ? process.argv[at + 1]! : fallback
}

export function numberArg(name: string, fallback: number): number {
  const value = Number(arg(name, String(fallback)))
  if (!Number.isFinite(value)) throw new Error(`--${name} must be a number`)
  return value
}

/** The one line bench/run.ts reads: timing measured inside the process, without Bun's start-up. */
export function report(result: Record<string, unknown>): void {
  console.log(`RESULT ${JSON.stringify(result)}`)
}

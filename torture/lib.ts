/** Shared pieces of the torture campaigns: seeded RNG, temp folders, secrets, result tables. */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type CliOptions, type CliResult, runCli, spawnCli } from '../tests/helpers/cli.ts'

export { REPO } from '../tests/helpers/cli.ts'

/** mulberry32: tiny, fast and reproducible; one stream per campaign so adding trials elsewhere changes nothing. */
export class Rng {
  private state: number
  constructor(seed: number) {
    this.state = seed >>> 0 || 1
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0
    let t = this.state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  /** Integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1))
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!
  }
  /** A shuffled copy (Fisher-Yates). */
  shuffle<T>(items: readonly T[]): T[] {
    const out = [...items]
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1))
      ;[out[i], out[j]] = [out[j]!, out[i]!]
    }
    return out
  }
}

/** Known secret values: put in env vars, referenced with env:// in configs, scanned for everywhere. */
export const SECRETS = {
  TORTURE_PG_PASSWORD: 'pg-pw-Zq8xK31vTn',
  TORTURE_BEARER: 'bearer-Hm27WpQaXc9',
  TORTURE_WEBHOOK_TOKEN: 'hook-Ty5BnR0eLk4',
} as const

export function secretEnv(): Record<string, string> {
  return { ...SECRETS }
}

/** Every place a secret was seen: `where: secret name`. Empty is the only good answer. */
export const leaks: string[] = []

/** How many texts were scanned, by kind (so a scan that silently saw nothing shows). */
export const scanned: Record<string, number> = {}

export type ScanKind = 'CLI output' | 'status API response' | 'state table' | 'file' | 'Slack alert'

export function scanForSecrets(where: string, text: string, kind: ScanKind = 'CLI output'): void {
  scanned[kind] = (scanned[kind] ?? 0) + 1
  for (const [name, value] of Object.entries(SECRETS)) {
    if (text.includes(value)) leaks.push(`${where}: ${name}`)
  }
}

const folders: string[] = []

export function tempDir(prefix = 'bizon-torture-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  folders.push(dir)
  return dir
}

/** Removes the temp folders (kept when BIZON_TORTURE_KEEP=1, to look at a failure). */
export function cleanTempDirs(): void {
  if (process.env.BIZON_TORTURE_KEEP) {
    console.error(`kept ${folders.length} folders, e.g. ${folders[0] ?? '-'}`)
    return
  }
  for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true })
}

/** Binary or source: BIZON_TORTURE_BIN=binary runs dist/bizon. */
function bin(): 'source' | 'binary' {
  return process.env.BIZON_TORTURE_BIN === 'binary' ? 'binary' : 'source'
}

/** runCli with the secrets in the environment; its output is scanned for them. */
export async function cli(args: string[], opts: CliOptions): Promise<CliResult> {
  const result = await runCli(args, { bin: bin(), ...opts, env: { ...secretEnv(), ...opts.env } })
  scanForSecrets(`bizon ${args.join(' ')} output`, result.stdout + result.stderr)
  return result
}

export function spawn(args: string[], opts: CliOptions) {
  const run = spawnCli(args, { bin: bin(), ...opts, env: { ...secretEnv(), ...opts.env } })
  run.exited.then((r) => scanForSecrets(`bizon ${args.join(' ')} output`, r.stdout + r.stderr))
  return run
}

/** A campaign row: what was tried and what came out. `ok` false means a defect. */
export interface Row {
  case: string
  trials: number
  kills?: number
  lost?: number
  duplicates?: number
  note: string
  ok: boolean
}

export function printTable(title: string, rows: Row[]): void {
  const cols = ['case', 'trials', 'kills', 'lost', 'duplicates', 'result'] as const
  const cells = rows.map((r) => [
    r.case,
    String(r.trials),
    r.kills === undefined ? '-' : String(r.kills),
    r.lost === undefined ? '-' : String(r.lost),
    r.duplicates === undefined ? '-' : String(r.duplicates),
    `${r.ok ? 'ok' : 'FAIL'}${r.note ? ` ${r.note}` : ''}`,
  ])
  const widths = cols.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i]!.length)))
  const line = (values: readonly string[]) =>
    `| ${values.map((v, i) => (i === values.length - 1 ? v : v.padEnd(widths[i]!))).join(' | ')} |`
  console.log(`\n### ${title}\n`)
  console.log(line(cols))
  console.log(`|${widths.map((w, i) => '-'.repeat(i === cols.length - 1 ? 8 : w + 2)).join('|')}|`)
  for (const row of cells) console.log(line(row))
}

/** The first lines of an output, for a table note or a report. */
export function excerpt(text: string, lines = 3): string {
  return text.trim().split('\n').slice(-lines).join(' / ').slice(0, 300)
}

/** The ✖ line of a failure (what a user reads first). */
export function firstError(out: string): string {
  return (out.split('\n').find((l) => l.startsWith('✖')) ?? excerpt(out, 1)).slice(0, 160)
}

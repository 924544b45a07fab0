/**
 * Benchmarks bizon through its real binary against the raw primitives that bound each workload,
 * measured in the same run, and prints one table (see README "Benchmarks").
 * Usage: bun bench/run.ts [--quick] [--only a,b] [--records N] [--repeat N] [--bin CMD] [--json PATH] [--print-needs]
 * --repeat N: run raw and pipeline N times, alternating; report median times and the highest peak RSS.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { flatRss, startupRows } from './lib/checks.ts'
import { loadAverage, type Measured, measure, median, resultOf } from './lib/measure.ts'
import { countOutput, cursorRows, dropPg } from './lib/output.ts'
import { formatTable, type Row } from './lib/table.ts'
import { select, type Workload, type WorkloadContext } from './lib/workload.ts'
import { workloads } from './workloads.ts'

const ROOT = resolve(import.meta.dir, '..')
const argv = process.argv.slice(2)
const flag = (name: string) => argv.includes(`--${name}`)
const option = (name: string) => {
  const at = argv.indexOf(`--${name}`)
  return at >= 0 ? argv[at + 1] : undefined
}

const quick = flag('quick')
const only = option('only')?.split(',').filter(Boolean)
const recordsOption = option('records') ? Number(option('records')) : quick ? 20_000 : undefined
const repeat = Number(option('repeat') ?? 1)
const bin = (option('bin') ?? join(ROOT, 'dist/bizon')).split(' ').filter(Boolean)
const pgUrl = process.env.BIZON_BENCH_PG_URL ?? process.env.BIZON_TEST_PG_URL
const natsUrl = process.env.BIZON_BENCH_NATS_URL ?? process.env.BIZON_TEST_NATS_URL
const wantStartup = !only || only.includes('startup')
const selected = select(
  workloads,
  only?.filter((n) => n !== 'startup'),
)

if (flag('print-needs')) {
  console.log([...new Set(selected.flatMap((w) => w.needs))].join(' '))
  process.exit(0)
}
if (recordsOption !== undefined && !(recordsOption > 0))
  throw new Error('--records must be a positive number')

/** Connector names the binary lists (`bizon source list` / `destination list`). */
function listed(kind: 'source' | 'destination'): Set<string> {
  const out = Bun.spawnSync([...bin, kind, 'list'], { env: { ...process.env, NO_COLOR: '1' } })
  return new Set([...out.stdout.toString().matchAll(/^(\S+) - /gm)].map((m) => m[1]!))
}

function skipReason(w: Workload, sources: Set<string>, destinations: Set<string>): string | undefined {
  const missing = [
    ...w.sources.filter((s) => !sources.has(s)).map((s) => `source ${s}`),
    ...w.destinations.filter((d) => !destinations.has(d)).map((d) => `destination ${d}`),
  ]
  if (missing.length) return `${missing.join(', ')} not in this binary (bizon source/destination list)`
  if (w.needs.includes('pg') && !pgUrl)
    return 'no PostgreSQL: run through scripts/bench or set BIZON_TEST_PG_URL'
  if (w.needs.includes('nats') && !natsUrl)
    return 'no NATS: run through scripts/bench or set BIZON_TEST_NATS_URL'
}

async function runRaw(script: string, args: string[], dir: string) {
  const m = await measure(['bun', join(ROOT, 'bench/raw', script), ...args], { cwd: dir })
  const result = resultOf(m.stdout)
  if (m.code !== 0 || !result) throw new Error(`raw ${script} failed: ${tail(m.stderr || m.stdout)}`)
  return { seconds: Number(result.seconds), peakRssMb: m.peakRssMb, primitive: String(result.primitive) }
}

/** Removes what the previous run left: outputs and the state file. */
function clean(dir: string) {
  for (const name of readdirSync(dir))
    if (/^(raw\.|out\.|out_|state\.sqlite3)/.test(name)) rmSync(join(dir, name), { force: true })
}

const tail = (text: string) => text.trim().split('\n').slice(-3).join(' | ')

function fill(template: string, vars: Record<string, string>): string {
  return template.replace(/__([a-z]+(?:_[a-z]+)*)__/g, (_, key: string) => {
    if (vars[key] === undefined) throw new Error(`template variable __${key}__ has no value`)
    return vars[key]
  })
}

async function runWorkload(w: Workload, done: Map<string, Row>): Promise<Row> {
  const records = Math.max(
    1,
    Math.round(recordsOption === undefined ? w.records : recordsOption * (w.scale ?? 1)),
  )
  const row: Row = { workload: w.name, summary: w.summary, records }
  const dir = mkdtempSync(join(tmpdir(), `bizon-bench-${w.name}-`))
  const suffix = Math.random().toString(36).slice(2, 8)
  const vars: Record<string, string> = {
    workload: w.name.replace(/\W/g, '_'),
    records: `${records}`,
    record_bytes: `${w.recordBytes}`,
    buffer_size: '50',
    backend: 'sqlite',
    runner: 'thread',
    transforms: '[]',
    suffix,
    schema: `bench_${suffix}`,
    table: `bench_src_${suffix}`,
    input: join(dir, 'input.ndjson'),
    pg_url: pgUrl ?? '',
    nats_url: natsUrl ?? '',
    ...w.vars,
  }
  const ctx: WorkloadContext = { dir, records, recordBytes: w.recordBytes, vars, pgUrl, natsUrl }
  try {
    if (w.prepare) await runRaw(w.prepare.script, w.prepare.args(ctx), dir)
    const loadBefore = loadAverage()
    const yml = join(dir, 'pipeline.yml')
    await Bun.write(yml, fill(await Bun.file(join(ROOT, 'bench/workloads', w.template)).text(), vars))
    // Raw and pipeline alternate, so a load spike on the shared machine hits both alike.
    const rawSeconds: number[] = []
    const extraSeconds: number[] = []
    const runs: Measured[] = []
    let primitive = ''
    let extraPrimitive = ''
    for (let rep = 0; rep < repeat; rep++) {
      if (w.raw) {
        const raw = await runRaw(w.raw.script, w.raw.args(ctx), dir)
        primitive = raw.primitive
        rawSeconds.push(raw.seconds)
        row.rawPeakRssMb = Math.max(row.rawPeakRssMb ?? 0, raw.peakRssMb)
      }
      if (w.extraRaw) {
        const raw = await runRaw(w.extraRaw.script, w.extraRaw.args(ctx), dir)
        extraPrimitive = raw.primitive
        extraSeconds.push(raw.seconds)
      }
      if (w.switchedOff) {
        clean(dir)
        const off = await measure([...bin, 'run', yml], { cwd: dir, env: { ...w.env, ...w.switchedOff.env } })
        if (off.code !== 0)
          throw new Error(`the ${w.switchedOff.label} run exited ${off.code}: ${tail(off.stderr)}`)
        primitive = w.switchedOff.label
        rawSeconds.push(off.seconds)
        if ((await cursorRows(dir)) > 0)
          row.note = `${w.switchedOff.label}: the engine ignores it (cursors were written), so this compares two identical runs`
      }
      clean(dir)
      const m = await measure([...bin, 'run', yml], { cwd: dir, env: w.env })
      if (m.code === 2) {
        // A config this binary rejects (e.g. a runner or queue not built yet): not a failure of the run.
        row.skipped = `bizon rejects the config: ${tail(m.stderr || m.stdout)}`
        return row
      }
      if (m.code !== 0) {
        row.failed = `bizon run exited ${m.code}: ${tail(m.stderr || m.stdout)}`
        return row
      }
      const counted = await countOutput(w.output, dir, vars)
      if (counted !== records) {
        row.failed = `wrote ${counted} records, expected ${records}`
        return row
      }
      runs.push(m)
    }
    row.load = [loadBefore, loadAverage()]
    row.runs = repeat
    if (w.switchedOff) {
      row.versus = primitive
      row.versusPerSec = records / median(rawSeconds)
    }
    if (w.raw) {
      row.versus = `raw ${primitive}`
      row.versusPerSec = records / median(rawSeconds)
    }
    const extra = w.extraRaw
      ? { primitive: extraPrimitive, label: w.extraRaw.label, perSec: records / median(extraSeconds) }
      : undefined
    const m = {
      seconds: median(runs.map((r) => r.seconds)),
      peakRssMb: Math.max(...runs.map((r) => r.peakRssMb)),
    }
    row.wallSeconds = m.seconds
    row.recordsPerSec = records / m.seconds
    row.mbPerSec = (records * w.recordBytes) / 1e6 / m.seconds
    row.peakRssMb = m.peakRssMb
    if (w.versus) {
      const other = done.get(w.versus)
      row.versus = w.versus
      row.versusPerSec = other?.recordsPerSec
    }
    if (row.versusPerSec) row.ratio = row.recordsPerSec / row.versusPerSec
    if (extra) {
      row.note = `raw ${extra.primitive} (${extra.label}): ${Math.round(extra.perSec).toLocaleString('en-US')} rec/s; pipeline at ${((100 * row.recordsPerSec) / extra.perSec).toFixed(0)} % of it`
    }
    if (w.target !== undefined && row.ratio !== undefined) {
      row.target = w.target
      row.pass = row.ratio >= w.target
    }
    if (w.rssLimitMb) {
      row.rssLimitMb = w.rssLimitMb
      row.rssPass = m.peakRssMb < w.rssLimitMb
    }
    return row
  } catch (error) {
    row.failed = (error as Error).message
    return row
  } finally {
    if (w.needs.includes('pg') && pgUrl) await dropPg(pgUrl, vars).catch(() => {})
    rmSync(dir, { recursive: true, force: true })
  }
}

const sources = listed('source')
const destinations = listed('destination')
const rows: Row[] = []
const done = new Map<string, Row>()
const started = new Date()
console.error(`bizon bench: ${bin.join(' ')}, load ${loadAverage()}${quick ? ', quick' : ''}`)
if (wantStartup) rows.push(...startupRows(bin, quick ? 3 : 10))
for (const w of selected) {
  const reason = skipReason(w, sources, destinations)
  console.error(`· ${w.name}: ${reason ? `skipped (${reason})` : w.summary}`)
  const row = reason ? { workload: w.name, summary: w.summary, skipped: reason } : await runWorkload(w, done)
  if (row.failed) console.error(`  failed: ${row.failed}`)
  rows.push(row)
  done.set(w.name, row)
}
flatRss(done)
console.log(formatTable(rows))

const jsonPath =
  option('json') ?? join(ROOT, 'bench/results', `bench-${started.toISOString().replace(/[:.]/g, '-')}.json`)
mkdirSync(resolve(jsonPath, '..'), { recursive: true })
await Bun.write(
  jsonPath,
  JSON.stringify({ startedAt: started.toISOString(), bun: Bun.version, bin, quick, repeat, rows }, null, 2),
)
console.log(`\nResults: ${jsonPath}`)
const failed = rows.filter((r) => r.failed)
process.exit(failed.length ? 1 : 0)

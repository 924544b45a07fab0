/** Kill campaign: SIGKILL pipelines at seeded random moments, rerun until they succeed, check nothing is lost. */
import { existsSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { checkState, compareIds, destinationIds, lastCommitted, type StateStore } from './check.ts'
import { cli, excerpt, type Rng, type Row, spawn, tempDir } from './lib.ts'
import {
  cliArgs,
  type DestKind,
  dropPgSchemas,
  expectedIds,
  idsOfIteration,
  type Mode,
  type PipelineSpec,
  pgEnv,
  pipelineYaml,
  type QueueKind,
  type RunnerKind,
  randomTag,
  stateOf,
  targetOf,
} from './pipelines.ts'
import { scanFiles, scanStore } from './secrets.ts'

export interface Combo {
  mode: Mode
  queue: QueueKind
  runner: RunnerKind
  dest: DestKind
}

export type Trigger = 'time' | 'cursor' | 'finalize' | 'write' | 'startup'

export interface KillOptions {
  rng: Rng
  trials: number
  kills: number
  /** Destination buffer sizes (MB) to draw from; default mostly 0 (a cursor per page), sometimes a few pages. */
  bufferMb?: number[]
  /** Share of stops sent as SIGTERM instead of SIGKILL (default 0.2). */
  sigtermShare?: number
  /** Kill moments to draw from (default: all that apply). */
  triggers?: Trigger[]
  records: number
  pageSize: number
  sleepMs: number
}

export interface TrialResult {
  kills: number
  lost: number
  duplicates: number
  problems: string[]
  triggers: Trigger[]
}

/** The file a running file destination appends to, by sync mode. */
function fileBeingWritten(dir: string, mode: Mode): string {
  return join(
    dir,
    mode === 'full_refresh' ? 'out_temp.json' : mode === 'incremental' ? 'out_incremental.json' : 'out.json',
  )
}

/** Waits for the trigger moment; returns false when the run ended first. */
async function waitForTrigger(
  trigger: Trigger,
  spec: PipelineSpec,
  dir: string,
  store: StateStore,
  rng: Rng,
  exited: () => boolean,
  /** Iterations this run has left to read: first and last. */
  work: { from: number; last: number },
): Promise<boolean> {
  const pages = Math.max(1, work.last - work.from + 1)
  const deadline = Date.now() + 60_000
  const started = Date.now()
  // startup lands in config loading, lease and job creation; the others spread over the pages left
  const delay = trigger === 'startup' ? rng.int(0, 400) : rng.int(50, 300 + pages * spec.sleepMs)
  const target = rng.int(work.from, Math.max(work.from, work.last - 1))
  const writes = rng.int(1, Math.max(1, pages - 1))
  const watched = fileBeingWritten(dir, spec.mode)
  let lastSize = -1
  let seenWrites = 0
  while (Date.now() < deadline) {
    if (exited()) return false
    if (trigger === 'time' || trigger === 'startup') {
      if (Date.now() - started >= delay) return true
    } else if (trigger === 'write') {
      const size = existsSync(watched) ? statSync(watched).size : -1
      if (size > 0 && size !== lastSize && lastSize >= 0 && ++seenWrites >= writes) return true
      lastSize = size
    } else {
      const { job, to } = await lastCommitted(store, spec.name).catch(() => ({ job: undefined, to: -1 }))
      if (trigger === 'cursor' && to >= target) return true
      if (trigger === 'finalize' && job) {
        const [end] = await store
          .query(
            `select count(*) as n from destination_cursors where job_id = '${job}' and success = true and pagination is null`,
          )
          .catch(() => [{ n: 0 }])
        if (Number(end?.n) > 0) return true
      }
    }
    await Bun.sleep(trigger === 'write' ? 1 : 4)
  }
  return true
}

/** Full refresh: after a kill, readers see an earlier complete publish or the new one, never a mix. */
async function readersSeeAVersion(spec: PipelineSpec, dir: string, published: number[]): Promise<string[]> {
  const ids = await destinationIds(targetOf(spec, dir))
  if (ids.length === 0 && published.length === 0) return []
  const versions = [...published, spec.records]
  const distinct = new Set(ids)
  const complete = versions.some(
    (n) => ids.length === n && distinct.size === n && ids.every((id) => Number(id) < n),
  )
  if (complete) return []
  return [
    `after a kill the published output holds ${ids.length} rows (${distinct.size} distinct): not a complete publish of ${versions.join(' or ')} records`,
  ]
}

export async function killTrial(combo: Combo, opts: KillOptions, index: number): Promise<TrialResult> {
  const { rng } = opts
  const tag = randomTag()
  const spec: PipelineSpec = {
    name: `kill_${index}`,
    ...combo,
    records: opts.records,
    pageSize: opts.pageSize,
    sleepMs: opts.sleepMs,
    bufferMb: rng.pick(opts.bufferMb ?? [0, 0, 0.02]),
    pgBackend: combo.dest.startsWith('pg'),
    tag,
  }
  const dir = tempDir()
  writeFileSync(join(dir, 'p.yml'), pipelineYaml(spec))
  const store = stateOf(spec, dir)
  const env = pgEnv()
  const args = ['run', 'p.yml', ...cliArgs(spec)]
  // Extra copies allowed per id: pages written after the last committed cursor at each kill.
  const allowed = new Map<string, number>()
  // A buffer of 0.02 MB holds a handful of pages; 0 writes one page per cursor.
  const window = spec.bufferMb > 0 ? 12 : 1
  const triggers: Trigger[] = []
  const problems: string[] = []
  let kills = 0
  let done = false
  // Record counts of the full refreshes published so far.
  const published: number[] = []
  // First record of the running job (an incremental job after a succeeded one starts past it).
  let base = 0
  try {
    for (let k = 0; k < opts.kills && !done; k++) {
      // a stream job has no finalize; only the file destination has a file to watch for writes
      const choices = (opts.triggers ?? ['time', 'cursor', 'finalize', 'write', 'startup']).filter(
        (t) => !(t === 'finalize' && spec.mode === 'stream') && !(t === 'write' && spec.dest !== 'file'),
      )
      const trigger = rng.pick(choices)
      // a full refresh restarts at iteration 0; an incremental job resumes after its last cursor
      const committed = spec.mode === 'full_refresh' ? -1 : (await lastCommitted(store, spec.name)).to
      const work = { from: committed + 1, last: Math.ceil((spec.records - base) / spec.pageSize) - 1 }
      const run = spawn(args, { cwd: dir, env })
      let ended = false
      run.exited.then(() => (ended = true))
      const reached = await waitForTrigger(trigger, spec, dir, store, rng, () => ended, work)
      // One stop in five is a polite SIGTERM: it must flush, keep the job resumable and exit soon.
      const polite = rng.next() < (opts.sigtermShare ?? 0.2)
      if (reached && !ended) {
        run.kill(polite ? 'SIGTERM' : 'SIGKILL')
        kills++
        triggers.push(polite ? (`${trigger}+TERM` as Trigger) : trigger)
        if (polite) {
          const stopped = await Promise.race([
            run.exited.then(() => true),
            Bun.sleep(15_000).then(() => false),
          ])
          if (!stopped) {
            problems.push(`still running 15 s after SIGTERM (${trigger})`)
            run.kill('SIGKILL')
          }
        }
      }
      const result = await run.exited
      if (result.code === 0) {
        published.push(spec.records)
        // Ended before the trigger: the next kill goes to a new job over 100 more records (stream
        // sources keep their own position, so a finished stream trial simply stops here).
        if (spec.mode === 'stream' || k === opts.kills - 1) done = true
        else {
          base = spec.mode === 'incremental' ? spec.records : 0
          spec.records += 100
          writeFileSync(join(dir, 'p.yml'), pipelineYaml(spec))
        }
      } else if (result.code !== 137 && result.code !== 143)
        problems.push(`run exited ${result.code}: ${excerpt(result.stderr)}`)
      else {
        if (spec.mode === 'full_refresh') problems.push(...(await readersSeeAVersion(spec, dir, published)))
        const { to } = await lastCommitted(store, spec.name)
        // A stream job killed after it read its source to the end (between its last cursor and
        // its exit) reads the source again on the next run: DESIGN.md, stream sources keep their
        // own position and an exhausted stream job simply reads again.
        const readAgain = spec.mode === 'stream' && to >= Math.ceil(spec.records / spec.pageSize) - 1
        for (let it = readAgain ? 0 : to + 1; it <= to + window; it++)
          for (const id of idsOfIteration(spec, it, base)) allowed.set(id, (allowed.get(id) ?? 0) + 1)
      }
    }
    for (let attempt = 0; attempt < 4 && !done; attempt++) {
      const result = await cli(args, { cwd: dir, env, timeoutMs: 120_000 })
      if (result.code === 0) done = true
      else problems.push(`rerun exited ${result.code}: ${excerpt(result.stderr)}`)
    }
    if (!done) problems.push('never succeeded after 4 reruns')
    const ids = await destinationIds(targetOf(spec, dir))
    // Full refresh publishes exactly the source; upsert keeps one row per key.
    const noDuplicates = spec.mode === 'full_refresh' || spec.dest === 'pg_upsert'
    const outcome = compareIds(expectedIds(spec), ids, noDuplicates ? null : allowed)
    problems.push(...outcome.problems)
    problems.push(
      ...(await checkState(store, {
        name: spec.name,
        stream: spec.mode === 'stream',
        records: spec.records,
      })),
    )
    await scanStore(store, `kill ${comboName(combo)} state`)
    await scanFiles(dir, ['out.json', 'out.sqlite'], `kill ${comboName(combo)}`)
    return { kills, lost: outcome.lost, duplicates: outcome.duplicates, problems, triggers }
  } finally {
    await store.close()
    await dropPgSchemas(spec).catch(() => {})
  }
}

export function comboName(c: Combo): string {
  return `${c.mode} ${c.queue} ${c.runner} ${c.dest}`
}

/** Every combination the registered plugins allow. */
export function combos(available: { nats: boolean; dests: DestKind[] }): Combo[] {
  const out: Combo[] = []
  for (const dest of available.dests) {
    for (const mode of ['full_refresh', 'incremental'] as const)
      for (const queue of available.nats ? (['memory', 'nats'] as const) : (['memory'] as const))
        for (const runner of ['thread', 'process'] as const) out.push({ mode, queue, runner, dest })
    out.push({ mode: 'stream', queue: 'memory', runner: 'stream', dest })
  }
  return out
}

export async function killCampaign(list: Combo[], opts: KillOptions, log = console.error): Promise<Row[]> {
  const rows: Row[] = []
  let index = 0
  for (const combo of list) {
    const row: Row = {
      case: comboName(combo),
      trials: 0,
      kills: 0,
      lost: 0,
      duplicates: 0,
      note: '',
      ok: true,
    }
    const notes = new Set<string>()
    const triggers: Trigger[] = []
    for (let t = 0; t < opts.trials; t++) {
      const r = await killTrial(combo, opts, index++)
      row.trials++
      row.kills! += r.kills
      row.lost! += r.lost
      row.duplicates! += r.duplicates
      for (const p of r.problems) notes.add(p)
      triggers.push(...r.triggers)
      log(
        `kill ${comboName(combo)} #${t}: kills ${r.kills} (${r.triggers.join(',')}) lost ${r.lost} dup ${r.duplicates}${r.problems.length ? ` PROBLEMS: ${r.problems.join('; ')}` : ''}`,
      )
    }
    row.ok = notes.size === 0 && row.lost === 0
    const landed = Object.entries(Object.groupBy(triggers, (t) => t)).map(([t, l]) => `${t} ${l!.length}`)
    row.note = notes.size ? [...notes].slice(0, 3).join('; ') : `kills at: ${landed.join(', ') || 'none'}`
    rows.push(row)
  }
  return rows
}

/** Fault campaign: broker/database restarts, a full disk, a rejecting destination, a failing API, mid-run. */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  canRestartNats,
  canRestartPg,
  startNats,
  startPg,
  stopNats,
  stopPg,
} from '../tests/helpers/services.ts'
import { checkState, compareIds, destinationIds, lastCommitted, type Target } from './check.ts'
import { httpFaults } from './http-faults.ts'
import { cli, excerpt, firstError, REPO, type Rng, type Row, spawn, tempDir } from './lib.ts'
import {
  type DestKind,
  dropPgSchemas,
  expectedIds,
  type PipelineSpec,
  pgEnv,
  pipelineYaml,
  randomTag,
  stateOf,
  targetOf,
} from './pipelines.ts'
import { scanFiles, scanStore } from './secrets.ts'

export interface FaultSetup {
  name: string
  spec: PipelineSpec
  /** Runs beside the pipeline: waits for its moment, breaks something, and mends it (or not). */
  fault(ctx: { dir: string; waitCursor(n: number): Promise<boolean> }): Promise<void>
  /** Mends what the fault left broken before the reruns (e.g. grow the full disk). */
  mend?(): Promise<void>
  /** Undoes the fault's set-up for good (e.g. unmount). */
  cleanup?(): Promise<void>
  args?: string[]
  target?: (dir: string) => Target
  expected?: string[]
  /** Text a failure message must contain. */
  failureMentions?: RegExp
  /** Written into the folder before the first run. */
  files?: Record<string, string>
}

/** One fault trial: run + fault, then reruns until success; nothing may be lost. */
export async function faultTrial(setup: FaultSetup): Promise<Row> {
  const { spec } = setup
  const dir = tempDir()
  for (const [name, text] of Object.entries(setup.files ?? {})) writeFileSync(join(dir, name), text)
  writeFileSync(join(dir, 'p.yml'), pipelineYaml(spec))
  const env = pgEnv()
  const args = ['run', 'p.yml', ...(setup.args ?? [])]
  const store = stateOf(spec, dir)
  const notes: string[] = []
  const problems: string[] = []
  try {
    const run = spawn(args, { cwd: dir, env })
    let ended = false
    run.exited.then(() => (ended = true))
    const waitCursor = async (n: number) => {
      while (!ended) {
        const { to } = await lastCommitted(store, spec.name).catch(() => ({ to: -1 }))
        if (to >= n) return true
        await Bun.sleep(10)
      }
      return false
    }
    await setup.fault({ dir, waitCursor })
    const first = await run.exited
    let runs = 1
    if (first.code === 0) notes.push('recovered by itself')
    else {
      const out = first.stderr + first.stdout
      notes.push(`first run exit ${first.code}: "${firstError(out)}"`)
      if (first.code !== 1) problems.push(`exit ${first.code}, want 0 or 1`)
      if (/^\s+at .*(\(|:\d+)/m.test(out)) problems.push('stack trace without --debug')
      if (setup.failureMentions && !setup.failureMentions.test(out))
        problems.push(`failure message does not say ${setup.failureMentions}: ${excerpt(out, 2)}`)
      await setup.mend?.()
      let done = false
      for (let attempt = 0; attempt < 3 && !done; attempt++) {
        const r = await cli(args, { cwd: dir, env, timeoutMs: 120_000 })
        runs++
        if (r.code === 0) done = true
        else problems.push(`rerun exit ${r.code}: ${excerpt(r.stderr, 2)}`)
      }
      if (done) notes.push(`resumed in ${runs - 1} rerun(s)`)
    }
    const ids = await destinationIds(setup.target ? setup.target(dir) : targetOf(spec, dir))
    const outcome = compareIds(
      setup.expected ?? expectedIds(spec),
      ids,
      spec.mode === 'full_refresh' ? null : new Map(ids.map((id) => [id, 99])),
    )
    problems.push(...outcome.problems)
    if (!setup.expected)
      problems.push(...(await checkState(store, { name: spec.name, stream: false, records: spec.records })))
    await scanStore(store, `fault ${setup.name} state`)
    await scanFiles(dir, ['out.json', 'full/out.json', 'out.ndjson'], `fault ${setup.name}`)
    return {
      case: setup.name,
      trials: runs,
      lost: outcome.lost,
      duplicates: outcome.duplicates,
      note: [...problems, ...notes].join('; '),
      ok: problems.length === 0,
    }
  } catch (error) {
    return { case: setup.name, trials: 1, note: `campaign error: ${excerpt(String(error), 2)}`, ok: false }
  } finally {
    await setup.mend?.().catch(() => {})
    await setup.cleanup?.().catch(() => {})
    await store.close()
    await dropPgSchemas(spec).catch(() => {})
  }
}

function spec(name: string, over: Partial<PipelineSpec>): PipelineSpec {
  return {
    name,
    mode: 'incremental',
    queue: 'memory',
    runner: 'thread',
    dest: 'file',
    records: 1000,
    pageSize: 20,
    sleepMs: 25,
    bufferMb: 0,
    tag: randomTag(),
    ...over,
  }
}

function natsFaults(rng: Rng): FaultSetup[] {
  return (['SIGTERM', 'SIGKILL'] as const).map((signal) => ({
    name: `NATS ${signal === 'SIGTERM' ? 'stopped' : 'killed'} and restarted mid-run (nats queue)`,
    spec: spec(`nats_${signal}`, { queue: 'nats' }),
    failureMentions: /nats|queue/i,
    async fault({ waitCursor }) {
      if (!(await waitCursor(rng.int(2, 10)))) return
      await stopNats(signal)
      await Bun.sleep(rng.int(500, 2500))
      await startNats()
    },
  }))
}

function pgFaults(rng: Rng, dests: DestKind[]): FaultSetup[] {
  const out: FaultSetup[] = []
  const kinds: [string, Partial<PipelineSpec>][] = [['backend', { pgBackend: true }]]
  if (dests.includes('pg_append'))
    kinds.push(['backend + destination', { pgBackend: true, dest: 'pg_append' }])
  if (dests.includes('pg_upsert')) kinds.push(['destination (sqlite state)', { dest: 'pg_upsert' }])
  for (const [what, over] of kinds)
    for (const mode of ['fast', 'immediate'] as const)
      out.push({
        name: `PostgreSQL ${mode === 'fast' ? 'stopped' : 'crashed'} and restarted mid-run (${what})`,
        spec: spec(`pg_${mode}`, over),
        failureMentions: /postgres|backend|connect/i,
        async fault({ waitCursor }) {
          if (!(await waitCursor(rng.int(2, 10)))) return
          await stopPg(mode)
          await Bun.sleep(rng.int(500, 2500))
          await startPg()
        },
      })
  return out
}

/** A 2 MB tmpfs under the file destination; skipped (with the reason) when mounting is not allowed. */
async function diskFull(): Promise<FaultSetup[] | string> {
  const probe = tempDir()
  const mount = Bun.spawnSync(['mount', '-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', probe])
  if (mount.exitCode !== 0) return `disk full: cannot mount a tmpfs here (${mount.stderr.toString().trim()})`
  Bun.spawnSync(['umount', probe])
  return (['full_refresh', 'incremental'] as const).map((mode) => {
    let mountPoint = ''
    const s = spec(`disk_${mode}`, {
      mode,
      records: 20_000,
      pageSize: 500,
      sleepMs: 0,
      destinationId: 'full/out',
    })
    return {
      name: `disk full on the file destination (${mode}, 2 MB tmpfs)`,
      spec: s,
      failureMentions: /space|ENOSPC/i,
      target: (dir: string) => ({ kind: 'file', file: join(dir, 'full/out.json') }),
      async fault({ dir }) {
        mountPoint = join(dir, 'full')
        mkdirSync(mountPoint, { recursive: true })
        Bun.spawnSync(['mount', '-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', mountPoint])
      },
      async mend() {
        if (mountPoint) Bun.spawnSync(['mount', '-o', 'remount,size=64m', mountPoint])
      },
      async cleanup() {
        if (mountPoint) Bun.spawnSync(['umount', mountPoint])
      },
    } satisfies FaultSetup
  })
}

function rejectingDestination(): FaultSetup {
  const s = spec('reject', { records: 400, sleepMs: 5, dest: 'flaky' })
  return {
    name: 'destination rejects a batch (custom destination throws on write 4)',
    spec: s,
    args: ['--custom-destination', join(REPO, 'torture/connectors/flaky-destination.ts')],
    failureMentions: /flaky.*quota exceeded|quota exceeded.*flaky/s,
    async fault() {},
  }
}

export async function faultCampaign(
  rng: Rng,
  avail: { nats: boolean; pg: boolean; dests: DestKind[] },
): Promise<Row[]> {
  const setups: FaultSetup[] = []
  const skipped: Row[] = []
  const skip = (name: string, why: string) =>
    skipped.push({ case: name, trials: 0, note: `skipped: ${why}`, ok: true })
  if (!avail.nats) skip('NATS restart', 'the nats queue is not available')
  else if (!process.env.BIZON_TEST_NATS_DIR) skip('NATS restart', 'not the throwaway NATS of scripts/torture')
  else if (canRestartNats()) setups.push(...natsFaults(rng))
  if (!avail.pg) skip('PostgreSQL restart', 'PostgreSQL is not reachable')
  else if (canRestartPg()) setups.push(...pgFaults(rng, avail.dests))
  else skip('PostgreSQL restart', 'not the throwaway PostgreSQL of scripts/torture')
  const disk = await diskFull()
  if (typeof disk === 'string') skip('disk full', disk)
  else setups.push(...disk)
  setups.push(rejectingDestination())
  const rows: Row[] = []
  for (const setup of setups) {
    const row = await faultTrial(setup)
    console.error(`fault ${row.case}: ${row.ok ? 'ok' : 'FAIL'} ${row.note}`)
    rows.push(row)
  }
  rows.push(...(await httpFaults(rng, avail.nats)))
  return [...rows, ...skipped]
}

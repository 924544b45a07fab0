/** Concurrency campaign: two runs of one pipeline (one must refuse), many pipelines sharing one state store. */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { CliResult } from '../tests/helpers/cli.ts'
import { checkState, compareIds, destinationIds } from './check.ts'
import { cli, excerpt, firstError, type Row, tempDir } from './lib.ts'
import {
  dropPgSchemas,
  expectedIds,
  type PipelineSpec,
  pgEnv,
  pipelineYaml,
  randomTag,
  stateOf,
  targetOf,
} from './pipelines.ts'

function spec(name: string, tag: string, over: Partial<PipelineSpec> = {}): PipelineSpec {
  return {
    name,
    mode: 'full_refresh',
    queue: 'memory',
    runner: 'thread',
    dest: 'file',
    records: 300,
    pageSize: 20,
    sleepMs: 40,
    bufferMb: 0,
    tag,
    ...over,
  }
}

/** Two runs of the same pipeline at once: one succeeds, the other exits 1 naming the holder. */
export async function twoRuns(pg = false): Promise<Row> {
  const s = spec('twice', randomTag(), { pgBackend: pg })
  const dir = tempDir()
  writeFileSync(join(dir, 'p.yml'), pipelineYaml(s))
  const env = pgEnv()
  const [a, b] = await Promise.all([
    cli(['run', 'p.yml'], { cwd: dir, env }),
    cli(['run', 'p.yml'], { cwd: dir, env }),
  ])
  const problems: string[] = []
  const codes = [a.code, b.code].sort()
  const loser = a.code === 0 ? b : a
  if (codes[0] !== 0 || codes[1] !== 1) problems.push(`exit codes ${a.code} and ${b.code}, want 0 and 1`)
  else if (!/already running: process \d+ on host \S+/.test(loser.stderr))
    problems.push(`the refused run does not name the holder: ${excerpt(loser.stderr)}`)
  if (/^\s+at /m.test(loser.stderr)) problems.push('the refused run printed a stack trace')
  const outcome = compareIds(expectedIds(s), await destinationIds(targetOf(s, dir)), null)
  problems.push(...outcome.problems)
  await dropPgSchemas(s).catch(() => {})
  return {
    case: `two runs of one pipeline started together (${pg ? 'postgres' : 'sqlite'} state)`,
    trials: 1,
    lost: outcome.lost,
    duplicates: outcome.duplicates,
    note: problems.join('; ') || `refused: "${firstError(loser.stderr).slice(0, 110)}"`,
    ok: problems.length === 0,
  }
}

/** `count` different pipelines sharing one sqlite file (or one postgres schema), started at once. */
export async function manyPipelines(count: number, pg: boolean): Promise<Row> {
  const dir = tempDir()
  const tag = randomTag()
  // Same backend for all: the sqlite file of the shared folder, or the postgres schema s_<tag>.
  const specs = Array.from({ length: count }, (_, i) =>
    spec(`many_${i}`, tag, {
      records: 100,
      sleepMs: 5,
      pgBackend: pg,
      mode: i % 2 ? 'incremental' : 'full_refresh',
    }),
  )
  specs.forEach((s, i) => {
    writeFileSync(
      join(dir, `p${i}.yml`),
      pipelineYaml(s).replace('destination_id: out', `destination_id: out${i}`),
    )
  })
  const env = pgEnv()
  const results: CliResult[] = await Promise.all(
    specs.map((_, i) => cli(['run', `p${i}.yml`], { cwd: dir, env, timeoutMs: 120_000 })),
  )
  const problems: string[] = []
  let lost = 0
  const store = stateOf(specs[0]!, dir)
  try {
    for (const [i, r] of results.entries()) {
      if (r.code !== 0) problems.push(`p${i} exited ${r.code}: ${excerpt(r.stderr, 2)}`)
      const ids = await destinationIds({ kind: 'file', file: join(dir, `out${i}.json`) })
      const outcome = compareIds(expectedIds(specs[i]!), ids, null)
      lost += outcome.lost
      problems.push(...outcome.problems.map((p) => `p${i}: ${p}`))
      problems.push(
        ...(await checkState(store, { name: `many_${i}`, stream: false, records: 100 })).map(
          (p) => `p${i}: ${p}`,
        ),
      )
    }
  } finally {
    await store.close()
    await dropPgSchemas(specs[0]!).catch(() => {})
  }
  return {
    case: `${count} pipelines sharing one ${pg ? 'postgres schema' : 'sqlite state file'}`,
    trials: count,
    lost,
    note: [...new Set(problems)].slice(0, 3).join('; '),
    ok: problems.length === 0,
  }
}

export async function concurrencyCampaign(avail: { pg: boolean }, quick: boolean): Promise<Row[]> {
  const rows = [await twoRuns(), await manyPipelines(quick ? 5 : 10, false)]
  if (avail.pg) rows.push(await twoRuns(true), await manyPipelines(quick ? 5 : 10, true))
  return rows
}

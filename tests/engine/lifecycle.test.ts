/** Job lifecycle through the CLI: resets (flag, YAML, queued, crashed), force_ignore_checkpoint, watermark state. */
import { describe, expect, setDefaultTimeout, test } from 'bun:test'
import { join } from 'node:path'
import { runCli, spawnCli } from '../helpers/cli.ts'
import { sourceIds, stateRows, syntheticPipeline, writePipeline } from '../helpers/pipeline.ts'
import { tempDir } from '../helpers/tmp.ts'

setDefaultTimeout(60_000)

const incremental = (records: number, extra = '', sleepMs = 0) =>
  syntheticPipeline({ records, pageSize: 50, sleepMs, syncMode: 'incremental', extra })

async function killAfterRows(dir: string, args: string[], rows: number) {
  const run = spawnCli(args, { cwd: dir })
  for (let i = 0; i < 1000; i++) {
    const [row] = stateRows(
      dir,
      'select coalesce(sum(rows_written), 0) as n from destination_cursors where success = 1',
    )
    if ((row?.n ?? 0) >= rows) break
    await Bun.sleep(10)
  }
  run.kill('SIGKILL')
  await run.exited
}

describe('job lifecycle', () => {
  test('incremental appends only new records and keeps the source state on the job', async () => {
    const dir = tempDir()
    writePipeline(dir, 'p.yml', incremental(300))
    expect((await runCli(['run', 'p.yml'], { cwd: dir })).code).toBe(0)
    writePipeline(dir, 'p.yml', incremental(420))
    expect((await runCli(['run', 'p.yml'], { cwd: dir })).code).toBe(0)
    const ids = sourceIds(join(dir, 'out.json'))
    expect(ids).toHaveLength(420)
    expect(new Set(ids).size).toBe(420)
    const jobs = stateRows(
      dir,
      'select incremental_state, total_records_to_fetch from stream_jobs order by created_at',
    )
    expect(JSON.parse(jobs[1]!.incremental_state)).toEqual({ max_updated_at: '2024-01-01T00:00:00.419Z' })
    expect(jobs[1]!.total_records_to_fetch).toBe(120) // total() sees the incremental window
  })

  test('--reset and source.reset refetch everything and replace the output', async () => {
    const dir = tempDir()
    writePipeline(dir, 'p.yml', incremental(200))
    expect((await runCli(['run', 'p.yml'], { cwd: dir })).code).toBe(0)
    expect((await runCli(['run', 'p.yml', '--reset'], { cwd: dir })).code).toBe(0)
    expect(sourceIds(join(dir, 'out.json'))).toHaveLength(200)
    writePipeline(
      dir,
      'p.yml',
      incremental(200).replace('  sync_mode: incremental\n', '  sync_mode: incremental\n  reset: true\n'),
    )
    expect((await runCli(['run', 'p.yml'], { cwd: dir })).code).toBe(0)
    expect(sourceIds(join(dir, 'out.json'))).toHaveLength(200)
    expect(
      stateRows(dir, 'select count(*) as n from stream_resets where consumed_by_job_id is not null')[0]!.n,
    ).toBe(2)
  })

  test('a reset killed mid-run resumes as a reset, never degrading into an append', async () => {
    const dir = tempDir()
    writePipeline(dir, 'p.yml', incremental(1000, '', 20))
    expect((await runCli(['run', 'p.yml'], { cwd: dir, timeoutMs: 60_000 })).code).toBe(0)
    expect((await runCli(['stream', 'reset', 'p.yml'], { cwd: dir })).code).toBe(0)
    await killAfterRows(dir, ['run', 'p.yml'], 200)
    writePipeline(dir, 'p.yml', incremental(1000))
    const resumed = await runCli(['run', 'p.yml'], { cwd: dir })
    expect(resumed.code).toBe(0)
    expect(resumed.stderr).toContain('Resetting synthetic.records')
    // replaced, not appended: exactly the source once
    expect(new Set(sourceIds(join(dir, 'out.json'))).size).toBe(1000)
    expect(sourceIds(join(dir, 'out.json')).length).toBeLessThan(1100)
  })

  test('force_ignore_checkpoint cancels the running job and starts at iteration 0', async () => {
    const dir = tempDir()
    writePipeline(dir, 'p.yml', incremental(1000, '', 20))
    await killAfterRows(dir, ['run', 'p.yml'], 200)
    writePipeline(
      dir,
      'p.yml',
      incremental(1000).replace(
        '  sync_mode: incremental\n',
        '  sync_mode: incremental\n  force_ignore_checkpoint: true\n',
      ),
    )
    const result = await runCli(['run', 'p.yml'], { cwd: dir })
    expect(result.code).toBe(0)
    expect(result.stderr).toContain('fresh start requested')
    expect(stateRows(dir, 'select status from stream_jobs order by created_at').map((r) => r.status)).toEqual(
      ['cancelled', 'succeeded'],
    )
  })

  test('BIZON_ENV_ values are replaced from the environment', async () => {
    const dir = tempDir()
    writePipeline(
      dir,
      'p.yml',
      'name: x\nsource:\n  name: dummy\n  stream: creatures\ndestination:\n  name: file\n  config:\n    destination_id: BIZON_ENV_TEST_TARGET\n',
    )
    const result = await runCli(['run', 'p.yml'], { cwd: dir, env: { BIZON_ENV_TEST_TARGET: 'legacy' } })
    expect(result.code).toBe(0)
    expect(sourceIds(join(dir, 'legacy.json'))).toHaveLength(5)
  })
})

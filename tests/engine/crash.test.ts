/** Kill -9 a running pipeline at several points; the reruns must lose nothing. */
import { describe, expect, setDefaultTimeout, test } from 'bun:test'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { runCli, spawnCli } from '../helpers/cli.ts'
import { sourceIds, stateRows, syntheticPipeline, writePipeline } from '../helpers/pipeline.ts'
import { tempDir } from '../helpers/tmp.ts'

setDefaultTimeout(60_000)

const RECORDS = 2000
const expected = Array.from({ length: RECORDS }, (_, i) => String(i))

/** Starts the pipeline, waits until `written` rows are checkpointed (or a delay), then SIGKILLs it. */
async function killMidRun(dir: string, afterWritten: number) {
  const run = spawnCli(['run', 'p.yml'], { cwd: dir })
  const deadline = Date.now() + 20_000
  while (Date.now() < deadline) {
    const [row] = stateRows(
      dir,
      'select coalesce(sum(rows_written), 0) as n from destination_cursors where success = 1',
    )
    if ((row?.n ?? 0) >= afterWritten) break
    if (run.proc.exitCode !== null) break
    await Bun.sleep(10)
  }
  run.kill('SIGKILL')
  return run.exited
}

describe('crash recovery (SIGKILL)', () => {
  for (const afterWritten of [0, 300, 1500]) {
    test(`full refresh killed after ${afterWritten} rows: the rerun publishes a complete fresh file`, async () => {
      const dir = tempDir()
      writePipeline(
        dir,
        'p.yml',
        syntheticPipeline({ records: RECORDS, pageSize: 50, sleepMs: 15, bufferSize: 0 }),
      )
      const killed = await killMidRun(dir, afterWritten)
      expect(killed.code).toBe(137)
      expect(existsSync(join(dir, 'out.json'))).toBe(false)
      writePipeline(dir, 'p.yml', syntheticPipeline({ records: RECORDS, pageSize: 500, bufferSize: 0 }))
      const rerun = await runCli(['run', 'p.yml'], { cwd: dir })
      expect(rerun.code).toBe(0)
      // exactly the source, no leftovers of the killed attempt
      expect(sourceIds(join(dir, 'out.json'))).toEqual(expected)
      const jobs = stateRows(dir, 'select status from stream_jobs order by created_at')
      expect(jobs.at(-1)!.status).toBe('succeeded')
      expect(jobs.slice(0, -1).every((j) => j.status === 'cancelled')).toBe(true)
    })

    test(`incremental killed after ${afterWritten} rows: the rerun resumes and nothing is missing`, async () => {
      const dir = tempDir()
      const pipeline = syntheticPipeline({
        records: RECORDS,
        pageSize: 50,
        sleepMs: 15,
        syncMode: 'incremental',
        bufferSize: 0,
      })
      writePipeline(dir, 'p.yml', pipeline)
      await killMidRun(dir, afterWritten)
      const rerun = await runCli(['run', 'p.yml'], { cwd: dir, timeoutMs: 60_000 })
      expect(rerun.code).toBe(0)
      const ids = sourceIds(join(dir, 'out.json'))
      expect([...new Set(ids)].sort((a, b) => Number(a) - Number(b))).toEqual(expected)
      // at-least-once: a duplicate can only come from a page written but not yet checkpointed (one page here)
      expect(ids.length - RECORDS).toBeLessThanOrEqual(50)
      expect(stateRows(dir, "select count(*) as n from stream_jobs where status = 'running'")[0]!.n).toBe(0)
    })
  }

  test('a resumed run cuts lines written after the last checkpoint: duplicates stay within one page', async () => {
    const dir = tempDir()
    const records = 20_000
    writePipeline(
      dir,
      'p.yml',
      syntheticPipeline({ records, pageSize: 100, sleepMs: 4, syncMode: 'incremental', bufferSize: 1 }),
    )
    await killMidRun(dir, 3000)
    writePipeline(
      dir,
      'p.yml',
      syntheticPipeline({ records, pageSize: 1000, syncMode: 'incremental', bufferSize: 1 }),
    )
    const rerun = await runCli(['run', 'p.yml'], { cwd: dir, timeoutMs: 60_000 })
    expect(rerun.code).toBe(0)
    const ids = sourceIds(join(dir, 'out.json'))
    expect(new Set(ids).size).toBe(records)
    expect(ids.length - records).toBeLessThanOrEqual(100)
    expect(existsSync(join(dir, 'out_incremental.json.committed'))).toBe(false)
  })

  test('a crash with a large buffer refetches what was buffered but not written', async () => {
    const dir = tempDir()
    writePipeline(
      dir,
      'p.yml',
      syntheticPipeline({
        records: RECORDS,
        pageSize: 50,
        sleepMs: 10,
        syncMode: 'incremental',
        bufferSize: 50,
        extra: '    buffer_flush_timeout: 1\n',
      }),
    )
    await killMidRun(dir, 200)
    const rerun = await runCli(['run', 'p.yml'], { cwd: dir, timeoutMs: 60_000 })
    expect(rerun.code).toBe(0)
    expect(new Set(sourceIds(join(dir, 'out.json'))).size).toBe(RECORDS)
  })
})

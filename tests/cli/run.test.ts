import { describe, expect, setDefaultTimeout, test } from 'bun:test'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { runCli, spawnCli } from '../helpers/cli.ts'
import { readLines, sourceIds, stateRows, syntheticPipeline, writePipeline } from '../helpers/pipeline.ts'
import { tempDir } from '../helpers/tmp.ts'

setDefaultTimeout(30_000)

/** Waits until the pipeline's job row says running. */
async function waitForRunningJob(dir: string) {
  for (let i = 0; i < 500; i++) {
    if (stateRows(dir, "select 1 from stream_jobs where status = 'running'").length) return
    await Bun.sleep(20)
  }
  throw new Error('no running job appeared')
}

describe('bizon run', () => {
  test('dummy → file writes the five creatures and marks the job succeeded', async () => {
    const dir = tempDir()
    writePipeline(
      dir,
      'p.yml',
      'name: q\nsource:\n  name: dummy\n  stream: creatures\ndestination:\n  name: file\n  config:\n    destination_id: creatures\n',
    )
    const result = await runCli(['run', 'p.yml'], { cwd: dir })
    expect(result.code).toBe(0)
    expect(result.stdout).toBe('Pipeline finished successfully.\n')
    const lines = readLines(join(dir, 'creatures.json'))
    expect(lines.map((l) => l.source_record_id)).toEqual(['9898', '88787', '98', '3333', '56565'])
    expect(Object.keys(lines[0]!)).toEqual([
      'bizon_id',
      'bizon_extracted_at',
      'bizon_loaded_at',
      'source_record_id',
      'source_timestamp',
      'source_data',
    ])
    expect(JSON.parse(lines[0]!.source_data)).toEqual({ id: 9898, name: 'bizon', age: 26 })
    // Every line its own id, the last of each page too.
    for (const line of lines) expect(line.bizon_id).toMatch(/^[0-9a-f]{32}$/)
    expect(new Set(lines.map((l) => l.bizon_id)).size).toBe(lines.length)
    const jobs = stateRows(dir, 'select * from stream_jobs')
    expect(jobs).toHaveLength(1)
    expect(jobs[0]).toMatchObject({
      name: 'q',
      source_name: 'dummy',
      stream_name: 'creatures',
      status: 'succeeded',
    })
    expect(jobs[0]!.created_at).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$/)
    expect(existsSync(join(dir, 'creatures_temp.json'))).toBe(false)
  })

  test('an empty source still publishes an empty file and succeeds (decision 3)', async () => {
    const dir = tempDir()
    writePipeline(dir, 'p.yml', syntheticPipeline({ records: 0 }))
    const result = await runCli(['run', 'p.yml'], { cwd: dir })
    expect(result.code).toBe(0)
    expect(existsSync(join(dir, 'out.json'))).toBe(true)
    expect(readLines(join(dir, 'out.json'))).toEqual([])
    expect(stateRows(dir, 'select status from stream_jobs')).toEqual([{ status: 'succeeded' }])
  })

  test('default destination id is <source>_<stream> (decision 7)', async () => {
    const dir = tempDir()
    writePipeline(
      dir,
      'p.yml',
      'name: q\nsource:\n  name: dummy\n  stream: plants\ndestination:\n  name: file\n',
    )
    expect((await runCli(['run', 'p.yml'], { cwd: dir })).code).toBe(0)
    expect(sourceIds(join(dir, 'dummy_plants.json'))).toHaveLength(5)
  })

  test('max_iterations fetches exactly N pages (decision 5)', async () => {
    const dir = tempDir()
    writePipeline(
      dir,
      'p.yml',
      syntheticPipeline({ records: 1000, pageSize: 10, extra: '' }).replace(
        '  sleep_ms: 0\n',
        '  sleep_ms: 0\n  max_iterations: 3\n',
      ),
    )
    const result = await runCli(['run', 'p.yml'], { cwd: dir })
    expect(result.code).toBe(0)
    expect(sourceIds(join(dir, 'out.json'))).toHaveLength(30)
  })

  test('a source failing mid-run exits 1, publishes nothing, keeps the job resumable (decision 2)', async () => {
    const dir = tempDir()
    writePipeline(
      dir,
      'p.yml',
      syntheticPipeline({ records: 500, pageSize: 100, failAtPage: 2, syncMode: 'incremental' }),
    )
    const failed = await runCli(['run', 'p.yml'], { cwd: dir })
    expect(failed.code).toBe(1)
    expect(failed.stderr).toContain(
      'Pipeline finished with status Failure (Producer: source_error, Consumer: success)',
    )
    expect(failed.stderr).toContain('at iteration 2')
    expect(existsSync(join(dir, 'out.json'))).toBe(false)
    const [job] = stateRows(dir, 'select status, error_message from stream_jobs')
    expect(job!.status).toBe('running')
    expect(job!.error_message).toStartWith('source:')
    // the next run (source healthy again) resumes after the two written pages
    writePipeline(dir, 'p.yml', syntheticPipeline({ records: 500, pageSize: 100, syncMode: 'incremental' }))
    const resumed = await runCli(['run', 'p.yml'], { cwd: dir })
    expect(resumed.code).toBe(0)
    expect(resumed.stderr).toContain('Resuming job')
    const ids = sourceIds(join(dir, 'out.json'))
    expect(new Set(ids).size).toBe(500)
    expect(ids).toHaveLength(500)
  })

  test('js transforms mutate, replace and drop records; a throwing transform names its label', async () => {
    const dir = tempDir()
    const transforms = `transforms:
  - label: upper
    js: data.name = data.name.toUpperCase()
  - label: drop-young
    js: |
      if (data.age < 25) return null
      return { ...data, adult: true }
`
    writePipeline(
      dir,
      'p.yml',
      `name: q\nsource:\n  name: dummy\n  stream: creatures\ndestination:\n  name: file\n  config:\n    destination_id: out\n${transforms}`,
    )
    expect((await runCli(['run', 'p.yml'], { cwd: dir })).code).toBe(0)
    const data = readLines(join(dir, 'out.json')).map((l) => JSON.parse(l.source_data))
    expect(data).toEqual([
      { id: 9898, name: 'BIZON', age: 26, adult: true },
      { id: 98, name: 'FROGGY', age: 26, adult: true },
      { id: 56565, name: 'POULPO', age: 26, adult: true },
    ])
    writePipeline(
      dir,
      'bad.yml',
      `name: q2\nsource:\n  name: dummy\n  stream: creatures\ndestination:\n  name: file\n  config:\n    destination_id: bad\ntransforms:\n  - label: boom\n    js: data.x.y.z = 1\n`,
    )
    const bad = await runCli(['run', 'bad.yml'], { cwd: dir })
    expect(bad.code).toBe(1)
    expect(bad.stderr).toContain('Transform "boom" failed on record 9898')
    expect(bad.stderr).toContain('Consumer: transform_error')
    expect(existsSync(join(dir, 'bad.json'))).toBe(false)
  })

  test('a second run of the same pipeline exits naming the holder (decision 18)', async () => {
    const dir = tempDir()
    writePipeline(dir, 'p.yml', syntheticPipeline({ records: 2000, pageSize: 10, sleepMs: 20 }))
    const first = spawnCli(['run', 'p.yml'], { cwd: dir })
    await waitForRunningJob(dir)
    const second = await runCli(['run', 'p.yml'], { cwd: dir })
    expect(second.code).toBe(1)
    expect(second.stderr).toContain('is already running: process')
    expect(second.stderr).toContain(`process ${first.pid} on host`)
    first.kill('SIGKILL')
    await first.exited
    // the holder died on this host: the lease is taken over at once
    writePipeline(dir, 'p.yml', syntheticPipeline({ records: 20, pageSize: 10 }))
    expect((await runCli(['run', 'p.yml'], { cwd: dir })).code).toBe(0)
  })

  test('SIGTERM stops cleanly: written pages are checkpointed and the next run resumes', async () => {
    const dir = tempDir()
    writePipeline(
      dir,
      'p.yml',
      syntheticPipeline({ records: 3000, pageSize: 10, sleepMs: 10, syncMode: 'incremental' }),
    )
    const run = spawnCli(['run', 'p.yml'], { cwd: dir })
    await run.waitFor('First incremental run')
    await Bun.sleep(500)
    run.kill('SIGTERM')
    const stopped = await run.exited
    expect(stopped.code).toBe(143)
    expect(stopped.stderr).toContain('SIGTERM received')
    const written = stateRows(
      dir,
      'select sum(rows_written) as n from destination_cursors where success = 1',
    )[0]!.n
    expect(written).toBeGreaterThan(0)
    writePipeline(dir, 'p.yml', syntheticPipeline({ records: 3000, pageSize: 100, syncMode: 'incremental' }))
    expect((await runCli(['run', 'p.yml'], { cwd: dir })).code).toBe(0)
    const ids = sourceIds(join(dir, 'out.json'))
    expect(new Set(ids).size).toBe(3000)
  })
})

describe('transform time limit', () => {
  test('a transform stuck in a loop ends the run naming its label; the rerun resumes', async () => {
    const dir = tempDir()
    const loop = `engine:\n  runner:\n    config:\n      transform_timeout: 1\ntransforms:\n  - label: fine\n    js: data.ok = true\n  - label: forever\n    js: |\n      if (data.id >= 250) while (true) {}\n`
    writePipeline(
      dir,
      'p.yml',
      syntheticPipeline({ records: 500, pageSize: 50, syncMode: 'incremental', extra: loop }),
    )
    const stuck = await runCli(['run', 'p.yml'], { cwd: dir })
    expect(stuck.code).toBe(1)
    expect(stuck.stderr).toContain(
      '✖ Transform "forever" ran longer than 1 s on one batch: stopping the run.',
    )
    expect(sourceIds(join(dir, 'out_incremental.json'))).toHaveLength(250)
    writePipeline(dir, 'p.yml', syntheticPipeline({ records: 500, pageSize: 50, syncMode: 'incremental' }))
    expect((await runCli(['run', 'p.yml'], { cwd: dir })).code).toBe(0)
    expect(new Set(sourceIds(join(dir, 'out.json'))).size).toBe(500)
  })
})

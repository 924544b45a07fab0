/** The process runner: same results, statuses and recovery as thread, with the producer in a worker. */
import { describe, expect, setDefaultTimeout, test } from 'bun:test'
import { join } from 'node:path'
import { runCli } from '../helpers/cli.ts'
import { readLines, sourceIds, stateRows, syntheticPipeline, writePipeline } from '../helpers/pipeline.ts'
import { tempDir } from '../helpers/tmp.ts'

setDefaultTimeout(60_000)

const TRANSFORM = `transforms:
  - label: tag
    js: |
      if (data.id % 7 === 0) return null
      data.tag = 'x' + (data.id * 3)
`

describe('--runner process', () => {
  test('writes the same records as thread, transforms included', async () => {
    const outputs: Record<string, unknown[]> = {}
    for (const runner of ['thread', 'process']) {
      const dir = tempDir()
      writePipeline(
        dir,
        'p.yml',
        syntheticPipeline({ records: 3000, pageSize: 100, bufferSize: 1, extra: TRANSFORM }),
      )
      const result = await runCli(['run', 'p.yml', '--runner', runner], { cwd: dir })
      expect(result.code).toBe(0)
      outputs[runner] = readLines(join(dir, 'out.json')).map((l) => [
        l.source_record_id,
        JSON.parse(l.source_data),
      ])
    }
    expect(outputs.process).toHaveLength(3000 - Math.ceil(3000 / 7))
    expect(outputs.process).toEqual(outputs.thread!)
  })

  test('without transforms the worker converts the records: the same lines as thread', async () => {
    const outputs: Record<string, unknown[]> = {}
    for (const runner of ['thread', 'process']) {
      const dir = tempDir()
      writePipeline(dir, 'p.yml', syntheticPipeline({ records: 2500, pageSize: 100, bufferSize: 1 }))
      const result = await runCli(['run', 'p.yml', '--runner', runner], { cwd: dir })
      expect(result.code).toBe(0)
      outputs[runner] = readLines(join(dir, 'out.json')).map((l) => [
        l.source_record_id,
        l.source_timestamp,
        l.source_data,
      ])
    }
    expect(outputs.process).toHaveLength(2500)
    expect(outputs.process).toEqual(outputs.thread!)
  })

  test('a source failure keeps the job resumable and the rerun completes it', async () => {
    const dir = tempDir()
    writePipeline(
      dir,
      'p.yml',
      syntheticPipeline({ records: 1000, pageSize: 100, failAtPage: 4, syncMode: 'incremental' }),
    )
    const failed = await runCli(['run', 'p.yml', '--runner', 'process'], { cwd: dir })
    expect(failed.code).toBe(1)
    expect(failed.stderr).toContain('Producer: source_error, Consumer: success')
    expect(stateRows(dir, 'select status from stream_jobs')).toEqual([{ status: 'running' }])
    writePipeline(dir, 'p.yml', syntheticPipeline({ records: 1000, pageSize: 100, syncMode: 'incremental' }))
    expect((await runCli(['run', 'p.yml', '--runner', 'process'], { cwd: dir })).code).toBe(0)
    expect(new Set(sourceIds(join(dir, 'out.json'))).size).toBe(1000)
  })

  test('a transform error in the worker stops the run with transform_error semantics', async () => {
    const dir = tempDir()
    const bad = 'transforms:\n  - label: boom\n    js: if (data.id === 150) throw new Error("bad record")\n'
    writePipeline(dir, 'p.yml', syntheticPipeline({ records: 300, pageSize: 100, extra: bad }))
    const result = await runCli(['run', 'p.yml', '--runner', 'process'], { cwd: dir })
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('Transform "boom" failed on record 150: bad record')
  })
})

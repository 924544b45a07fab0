/** Runners in the compiled binary: `process` (producer in a Worker) matches `thread`; stream routing by destination id. */
import { describe, expect, test } from 'bun:test'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { readLines } from '../helpers/pipeline.ts'
import { tempDir } from '../helpers/tmp.ts'
import { bizon, useBinary } from './binary.ts'

useBinary()

const SYNTHETIC = (runner: string) => `name: same_${runner}
source:
  name: synthetic
  stream: records
  records: 3000
  record_bytes: 100
  page_size: 250
destination:
  name: file
  config:
    destination_id: out
engine:
  runner:
    type: ${runner}
transforms:
  - label: double
    js: data.doubled = data.id * 2
`

/** What a run wrote, minus the ids and times each run draws afresh. */
function written(file: string) {
  return readLines(file).map((l) => [l.source_record_id, l.source_timestamp, l.source_data])
}

describe('runners in dist/bizon', () => {
  test('--runner process writes the same records as thread', async () => {
    const threadDir = tempDir()
    const processDir = tempDir()
    writeFileSync(join(threadDir, 'p.yml'), SYNTHETIC('thread'))
    writeFileSync(join(processDir, 'p.yml'), SYNTHETIC('thread'))
    const thread = await bizon(['run', 'p.yml'], { cwd: threadDir })
    expect(thread.code).toBe(0)
    const proc = await bizon(['run', 'p.yml', '--runner', 'process'], { cwd: processDir })
    expect(proc.stderr).not.toContain('✖')
    expect(proc.code).toBe(0)
    const expected = written(join(threadDir, 'out.json'))
    expect(expected).toHaveLength(3000)
    expect(JSON.parse(expected[7]![2]!).doubled).toBe(14)
    expect(written(join(processDir, 'out.json'))).toEqual(expected)
  })

  test('stream mode routes records to their destination ids, one file each', async () => {
    const dir = tempDir()
    writeFileSync(
      join(dir, 'p.yml'),
      `name: routes
source:
  name: dummy
  stream: plants
  sync_mode: stream
  max_iterations: 3
destination:
  name: file
  config:
    buffer_size: 0
engine:
  runner:
    type: stream
`,
    )
    const result = await bizon(['run', 'p.yml'], { cwd: dir })
    expect(result.stderr).not.toContain('✖')
    expect(result.code).toBe(0)
    const names = (file: string) => readLines(join(dir, file)).map((l) => JSON.parse(l.source_data).name)
    // The dummy source routes its second page to `routed`, the others to the stream name.
    expect(names('routed.json')).toEqual(['cactus', 'bamboo'])
    expect(names('plants.json')).toEqual(['tree', 'flower', 'rose'])
  })
})

/** Config problems: every one reported at once, with file:line, path, message and hint; exit 2; nothing written. */
import { describe, expect, setDefaultTimeout, test } from 'bun:test'
import { readdirSync } from 'node:fs'
import { runCli } from '../helpers/cli.ts'
import { writePipeline } from '../helpers/pipeline.ts'
import { tempDir } from '../helpers/tmp.ts'

setDefaultTimeout(30_000)

async function run(yaml: string, args: string[] = [], env: Record<string, string | undefined> = {}) {
  const dir = tempDir()
  writePipeline(dir, 'p.yml', yaml)
  const result = await runCli(['run', 'p.yml', ...args], { cwd: dir, env })
  expect(readdirSync(dir)).toEqual(['p.yml']) // nothing written
  return result
}

describe('config errors', () => {
  test('unknown keys, wrong types, bad names and python transforms, all at once', async () => {
    const result = await run(`name: bad
source:
  name: dumy
  stream: creatures
destination:
  name: file
  config:
    buffer_size: "50"
    destination_idd: x
engine:
  runner:
    type: threads
transforms:
  - label: t
    python: "data['x'] = 1"
`)
    expect(result.code).toBe(2)
    expect(result.stdout).toBe('')
    expect(result.stderr).toMatchInlineSnapshot(`
      "✖ p.yml has 5 problems
        p.yml:3:9 source.name: Unknown source "dumy". Did you mean "dummy"?
        p.yml:8:18 destination.config.buffer_size: Expected a number, got the string "50". Remove the quotes.
        p.yml:9:5 destination.config.destination_idd: Unknown key "destination_idd". Did you mean "destination_id"?
        p.yml:12:11 engine.runner.type: Expected one of "thread", "process", "stream", got the string "threads". Did you mean "thread"?
        p.yml:15:5 transforms[0].python: Python transforms are not supported by bizon. Rewrite it as \`js:\` (a JavaScript function body with \`data\` in scope).
      "
    `)
  })

  test('unknown stream and a missing required key', async () => {
    const result = await run(
      'name: x\nsource:\n  name: dummy\n  stream: creaturs\ndestination:\n  config: {}\n',
    )
    expect(result.code).toBe(2)
    expect(result.stderr).toMatchInlineSnapshot(`
      "✖ p.yml has 2 problems
        p.yml:4:11 source.stream: Stream "creaturs" not found in source "dummy". Did you mean "creatures"? Available streams: creatures, plants.
        p.yml:6:3 destination.name: Missing required key "name". One of: file, logger, nats, postgres, sqlite.
      "
    `)
  })

  test('incremental on a full-refresh-only stream is rejected before anything runs (decision 8)', async () => {
    const result = await run(
      'name: x\nsource:\n  name: dummy\n  stream: plants\n  sync_mode: incremental\ndestination:\n  name: logger\n',
    )
    expect(result.code).toBe(2)
    expect(result.stderr).toContain(
      'p.yml:5:14 source.sync_mode: Source "dummy" stream "plants" does not support incremental. Supported modes: full_refresh, stream.',
    )
  })

  test('invalid YAML and duplicate keys', async () => {
    const broken = await run('name: x\nsource:\n  name: dummy\n   stream: [\n')
    expect(broken.code).toBe(2)
    expect(broken.stderr).toStartWith('✖ p.yml has')
    expect(broken.stderr).toContain(
      'p.yml:3:9 (yaml): Nested mappings are not allowed in compact mappings. Fix the YAML syntax at this line.',
    )
    const duplicate = await run('name: x\nname: y\nsource: {}\ndestination: {}\n')
    expect(duplicate.code).toBe(2)
    expect(duplicate.stderr).toContain(
      'p.yml:2:1 (yaml): Map keys must be unique. Remove one of the two keys.',
    )
  })

  test('a missing env:// reference names the path; the value of a resolved one never appears', async () => {
    const yaml =
      'name: x\nsource:\n  name: dummy\n  stream: creatures\n  authentication:\n    type: api_key\n    params:\n      token: env://BIZON_TEST_TOKEN\ndestination:\n  name: file\n  config:\n    destination_id: env://BIZON_TEST_MISSING\n    buffer_size: nope\n'
    const result = await run(yaml, [], { BIZON_TEST_TOKEN: 's3cr3t-value' })
    expect(result.code).toBe(2)
    expect(result.stderr).toContain(
      `p.yml:12:21 destination.config.destination_id: Failed to resolve reference: environment variable 'BIZON_TEST_MISSING' is not set`,
    )
    expect(result.stderr).not.toContain('s3cr3t-value')
  })

  test('bad CLI choices are usage errors (exit 2)', async () => {
    const result = await run(
      'name: x\nsource:\n  name: dummy\n  stream: creatures\ndestination:\n  name: logger\n',
      ['--runner', 'fast'],
    )
    expect(result.code).toBe(2)
    expect(result.stderr).toContain(
      '✖ Invalid value for --runner: "fast".\n  Use one of: thread, process, stream.',
    )
  })

  test('a missing config file is a usage error', async () => {
    const dir = tempDir()
    const result = await runCli(['run', 'nope.yml'], { cwd: dir })
    expect(result.code).toBe(2)
    expect(result.stderr).toContain('Config file nope.yml does not exist.')
  })
})

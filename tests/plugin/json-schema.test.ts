/** `bizon config schema`: every example validates; unknown keys and bad values fail where the loader fails. */
import { describe, expect, test } from 'bun:test'
import { join } from 'node:path'
import { stringify } from 'yaml'
import { registry } from '../../src/cli/registry.ts'
import { loadPipeline } from '../../src/config/load.ts'
import { pipelineJsonSchema } from '../../src/plugin/json-schema.ts'
import { runCli } from '../helpers/cli.ts'
import { tempDir } from '../helpers/tmp.ts'
import { exampleFiles, folderRegistry, readExample } from './example-files.ts'
import { checkJsonSchema } from './json-schema-check.ts'

const schema = pipelineJsonSchema(await folderRegistry())
const CUSTOM = `import { defineSource, v } from 'bizon'
export default defineSource({
  name: 'my_api', summary: 'Mine.', streams: { items: {} },
  config: v.object({ page_size: v.pipe(v.number(), v.description('Items per page')) }),
  create() { return { async read() { return { records: [], next: null } } } },
})
`

describe('pipeline JSON Schema', () => {
  test.each(exampleFiles())('%s validates', (file) => {
    expect(checkJsonSchema(schema, readExample(file))).toEqual([])
  })

  const base = () => ({
    name: 'p',
    source: { name: 'dummy', stream: 'creatures' },
    destination: { name: 'file', config: { destination_id: 'out' } },
  })
  type Config = ReturnType<typeof base> & Record<string, any>
  const cases: [string, (c: Config) => void, boolean][] = [
    ['the base config', () => {}, true],
    ['an unknown top-level key', (c) => (c.nmae = 'x'), false],
    ['an unknown source key', (c) => ((c.source as any).stram = 'x'), false],
    ["a connector's own key", (c) => ((c.source as any).sleep = 0.1), true],
    ["another connector's key", (c) => ((c.source as any).page_size = 3), false],
    ['an unknown destination.config key', (c) => ((c.destination.config as any).bufer_size = 1), false],
    ['a string where a number goes', (c) => ((c.destination.config as any).buffer_size = '50'), false],
    ['an unknown source name', (c) => (c.source.name = 'dumy'), false],
    ['an unknown stream', (c) => (c.source.stream = 'animals'), false],
    ['stream mode on a stream that has it', (c) => ((c.source as any).sync_mode = 'stream'), true],
    ['incremental on a stream without it', (c) => ((c.source as any).sync_mode = 'incremental'), false],
    [
      'a custom source file',
      (c) => Object.assign(c.source, { source_file_path: 'my.ts', stream: 'items', page_size: 1 }),
      true,
    ],
    ['an unknown engine key', (c) => (c.engine = { runer: {} }), false],
    ['an unknown runner key', (c) => (c.engine = { runner: { type: 'thread', typo: 1 } }), false],
    [
      'a backend by type',
      (c) => (c.engine = { backend: { type: 'sqlite', config: { database: 'x' } } }),
      true,
    ],
    [
      'a key of another backend',
      (c) => (c.engine = { backend: { type: 'sqlite', config: { host: 'x' } } }),
      false,
    ],
    ['a queue alias', (c) => (c.engine = { queue: { type: 'python_queue' } }), true],
    ['the stream runner without stream mode', (c) => (c.engine = { runner: { type: 'stream' } }), false],
    ['a python transform', (c) => (c.transforms = [{ label: 't', python: 'x' }]), false],
    ['a js transform', (c) => (c.transforms = [{ label: 't', js: 'return data' }]), true],
    ['monitoring without a host', (c) => (c.monitoring = { type: 'datadog', config: {} }), false],
  ]
  test.each(cases)('%s: the schema agrees with the loader', async (_, change, valid) => {
    const config = base() as Config
    change(config)
    const dir = tempDir()
    await Bun.write(join(dir, 'my.ts'), CUSTOM)
    const file = join(dir, 'p.yml')
    await Bun.write(file, stringify(config))
    const loaderValid = await loadPipeline(file, registry).then(
      () => true,
      () => false,
    )
    expect(loaderValid).toBe(valid)
    expect(checkJsonSchema(schema, config).length === 0).toBe(valid)
  })

  test('a custom destination: its own config keys, and any name', async () => {
    const { defineDestination, v } = await import('../../src/index.ts')
    const sink = defineDestination({
      name: 'my_sink',
      summary: 'Mine.',
      config: v.object({ prefix: v.string() }),
      create: () => ({ async write() {} }),
    })
    const withSink = pipelineJsonSchema(await folderRegistry(), { customDestination: sink })
    const config = (destination: object) => ({
      name: 'p',
      source: { name: 'dummy', stream: 'plants' },
      destination,
    })
    expect(
      checkJsonSchema(withSink, config({ name: 'my_sink', config: { prefix: '>', buffer_size: 0 } })),
    ).toEqual([])
    expect(checkJsonSchema(withSink, config({ name: 'my_sink', config: { prefx: '>' } }))).toEqual([
      '.destination.config: missing "prefix"',
      '.destination.config.prefx: unknown key',
    ])
  })

  test('descriptions come from the declarations', () => {
    const dummy = schema.definitions['source.dummy']
    expect(dummy.properties.sleep.description).toContain('Seconds to wait')
    expect(dummy.properties.sync_mode.default).toBe('full_refresh')
    expect(schema.definitions['destination.file'].properties.config.additionalProperties).toBe(false)
  })

  test('bizon config schema prints it, with a custom source', async () => {
    const dir = tempDir()
    await Bun.write(join(dir, 'my.ts'), CUSTOM)
    const result = await runCli(['config', 'schema', '--custom-source', 'my.ts'], { cwd: dir })
    expect(result.code).toBe(0)
    const printed = JSON.parse(result.stdout)
    const config = {
      name: 'p',
      source: { name: 'my_api', stream: 'items', page_size: 2 },
      destination: { name: 'logger' },
    }
    expect(checkJsonSchema(printed, config)).toEqual([])
    expect(checkJsonSchema(printed, { ...config, source: { ...config.source, page_size: '2' } })).toEqual([
      '.source.page_size: expected number, got string',
    ])
    expect(checkJsonSchema(printed, { ...config, source: { ...config.source, size: 2 } })).toEqual([
      '.source.size: unknown key',
    ])
  })
})

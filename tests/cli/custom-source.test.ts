/** A user's own source file, written against the public SDK, run with --custom-source. */
import { describe, expect, setDefaultTimeout, test } from 'bun:test'
import { join } from 'node:path'
import { runCli } from '../helpers/cli.ts'
import { readLines, writePipeline } from '../helpers/pipeline.ts'
import { tempDir } from '../helpers/tmp.ts'

setDefaultTimeout(30_000)

const SOURCE = `import { defineSource, v } from 'bizon'
import { makeItems } from './items.ts'

export default defineSource({
  name: 'my_api',
  summary: 'Items from my API.',
  streams: { items: { incremental: true } },
  config: v.object({ page_size: v.optional(v.pipe(v.number(), v.description('Items per page')), 2) }),
  create(config) {
    return {
      async total() { return 5 },
      async read({ pagination }) {
        const offset = Number(pagination.offset ?? 0)
        const records = makeItems(offset, Math.min(config.page_size, 5 - offset))
        const next = offset + records.length
        return { records, next: next < 5 ? { offset: next } : null }
      },
    }
  },
})
`
const ITEMS = `export function makeItems(offset: number, count: number) {
  return Array.from({ length: count }, (_, i) => ({ id: offset + i, data: { n: offset + i } }))
}
`
const PIPELINE =
  'name: custom\nsource:\n  name: my_api\n  stream: items\n  page_size: 2\ndestination:\n  name: file\n  config:\n    destination_id: items\n'

describe('custom sources', () => {
  test('--custom-source runs a .ts file with a relative import, validated by its own schema', async () => {
    const dir = tempDir()
    writePipeline(dir, 'my_source.ts', SOURCE)
    writePipeline(dir, 'items.ts', ITEMS)
    writePipeline(dir, 'p.yml', PIPELINE)
    const result = await runCli(['run', 'p.yml', '--custom-source', './my_source.ts'], { cwd: dir })
    expect(result.stderr).not.toContain('✖')
    expect(result.code).toBe(0)
    expect(readLines(join(dir, 'items.json')).map((l) => JSON.parse(l.source_data).n)).toEqual([
      0, 1, 2, 3, 4,
    ])
    writePipeline(dir, 'bad.yml', PIPELINE.replace('page_size: 2', 'page_size: "2"\n  pagesize: 3'))
    const bad = await runCli(['run', 'bad.yml', '--custom-source', 'my_source.ts'], { cwd: dir })
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain(
      'bad.yml:5:14 source.page_size: Expected a number, got the string "2". Remove the quotes.',
    )
    expect(bad.stderr).toContain(
      'bad.yml:6:3 source.pagesize: Unknown key "pagesize". Did you mean "page_size"?',
    )
  })

  test('source_file_path in YAML resolves from the config folder', async () => {
    const dir = tempDir()
    writePipeline(dir, 'my_source.ts', SOURCE)
    writePipeline(dir, 'items.ts', ITEMS)
    writePipeline(
      dir,
      'p.yml',
      PIPELINE.replace('  page_size: 2', '  page_size: 2\n  source_file_path: my_source.ts'),
    )
    const result = await runCli(['run', `${dir}/p.yml`], { cwd: tempDir() })
    expect(result.code).toBe(0)
  })

  test('a broken file gives an error naming the file and line', async () => {
    const dir = tempDir()
    writePipeline(
      dir,
      'broken.ts',
      "import { defineSource } from 'bizon'\nexport default defineSource({\n  name: 'x',\n  streams: {{\n})\n",
    )
    writePipeline(dir, 'p.yml', PIPELINE)
    const result = await runCli(['run', 'p.yml', '--custom-source', 'broken.ts'], { cwd: dir })
    expect(result.code).toBe(2)
    expect(result.stderr).toContain('broken.ts failed to load:')
    expect(result.stderr).toMatch(/broken\.ts:\d+:\d+/)
    writePipeline(dir, 'empty.ts', 'export const x = 1\n')
    const empty = await runCli(['run', 'p.yml', '--custom-source', 'empty.ts'], { cwd: dir })
    expect(empty.code).toBe(2)
    expect(empty.stderr).toContain('does not export a source declaration')
  })
})

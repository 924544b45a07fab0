/** Custom connectors in the compiled binary: a user's .ts files, their relative imports and node_modules. */
import { describe, expect, test } from 'bun:test'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { readLines } from '../helpers/pipeline.ts'
import { tempDir } from '../helpers/tmp.ts'
import { bizon, useBinary } from './binary.ts'

useBinary()

const SOURCE = `import { defineSource, v } from 'bizon'
import { shout } from 'tiny-pkg'
import { makeItems } from './lib/items.ts'

export default defineSource({
  name: 'my_api',
  summary: 'Items from my API.',
  streams: { items: { incremental: true } },
  config: v.object({ page_size: v.optional(v.pipe(v.number(), v.description('Items per page')), 2) }),
  create(config) {
    return {
      async read({ pagination }) {
        const offset = Number(pagination.offset ?? 0)
        const records = makeItems(offset, Math.min(config.page_size, 5 - offset), shout)
        const next = offset + records.length
        return { records, next: next < 5 ? { offset: next } : null }
      },
    }
  },
})
`
const ITEMS = `export function makeItems(offset: number, count: number, shout: (s: string) => string) {
  return Array.from({ length: count }, (_, i) => ({ id: offset + i, data: { n: offset + i, loud: shout('item') } }))
}
`
const DESTINATION = `import { appendFileSync } from 'node:fs'
import { join } from 'node:path'
import { defineDestination, v } from 'bizon'

export default defineDestination({
  name: 'my_sink',
  summary: 'Appends "<prefix><id> <data>" lines to sink.txt.',
  config: v.object({ prefix: v.pipe(v.string(), v.description('Text before each line')) }),
  create(config, ctx) {
    return {
      async write(records, info) {
        const lines = records.map((r) => config.prefix + info.destinationId + ' ' + r.source_data + '\\n')
        appendFileSync(join(ctx.baseDir, 'sink.txt'), lines.join(''))
      },
    }
  },
})
`

/** A folder holding the user's files and a tiny npm package, as \`npm install\` would leave it. */
function userFolder(): string {
  const dir = tempDir()
  mkdirSync(join(dir, 'lib'))
  mkdirSync(join(dir, 'node_modules/tiny-pkg'), { recursive: true })
  writeFileSync(
    join(dir, 'node_modules/tiny-pkg/package.json'),
    '{"name":"tiny-pkg","version":"1.0.0","main":"index.js"}',
  )
  writeFileSync(join(dir, 'node_modules/tiny-pkg/index.js'), "exports.shout = (s) => s.toUpperCase() + '!'\n")
  writeFileSync(join(dir, 'my_source.ts'), SOURCE)
  writeFileSync(join(dir, 'lib/items.ts'), ITEMS)
  writeFileSync(join(dir, 'my_sink.ts'), DESTINATION)
  return dir
}

const PIPELINE = `name: custom
source:
  name: my_api
  stream: items
  page_size: 2
destination:
  name: file
  config:
    destination_id: items
`

describe('custom connectors in dist/bizon', () => {
  test('a custom TS source with a relative import and an npm package from node_modules', async () => {
    const dir = userFolder()
    writeFileSync(join(dir, 'p.yml'), PIPELINE)
    const result = await bizon(['run', 'p.yml', '--custom-source', './my_source.ts'], { cwd: dir })
    expect(result.stderr).not.toContain('✖')
    expect(result.code).toBe(0)
    expect(readLines(join(dir, 'items.json')).map((l) => JSON.parse(l.source_data))).toEqual(
      [0, 1, 2, 3, 4].map((n) => ({ n, loud: 'ITEM!' })),
    )
    // The process runner loads the file again inside its worker.
    writeFileSync(
      join(dir, 'proc.yml'),
      PIPELINE.replace('name: custom', 'name: custom_proc').replace(
        'destination_id: items',
        'destination_id: proc',
      ),
    )
    const proc = await bizon(
      ['run', 'proc.yml', '--custom-source', './my_source.ts', '--runner', 'process'],
      {
        cwd: dir,
      },
    )
    expect(proc.code).toBe(0)
    expect(readLines(join(dir, 'proc.json')).map((l) => l.source_data)).toEqual(
      readLines(join(dir, 'items.json')).map((l) => l.source_data),
    )
    const list = await bizon(['source', 'list', '--custom-source', 'my_source.ts'], { cwd: dir })
    expect(list.stdout).toContain('my_api - [items] Items from my API.')
  })

  test("a custom source's config is checked by its own schema", async () => {
    const dir = userFolder()
    writeFileSync(join(dir, 'p.yml'), PIPELINE.replace('page_size: 2', 'page_size: "2"\n  pagesize: 3'))
    const result = await bizon(['run', 'p.yml', '--custom-source', 'my_source.ts'], { cwd: dir })
    expect(result.code).toBe(2)
    expect(result.stderr).toContain(
      'p.yml:5:14 source.page_size: Expected a number, got the string "2". Remove the quotes.',
    )
    expect(result.stderr).toContain(
      'p.yml:6:3 source.pagesize: Unknown key "pagesize". Did you mean "page_size"?',
    )
  })

  test('a custom destination, by flag and by destination_file_path', async () => {
    const dir = userFolder()
    const pipeline = (extra: string) =>
      PIPELINE.replace('  name: file\n  config:\n', `  name: my_sink\n${extra}  config:\n    prefix: "> "\n`)
    writeFileSync(join(dir, 'flag.yml'), pipeline(''))
    const byFlag = await bizon(
      ['run', 'flag.yml', '--custom-source', 'my_source.ts', '--custom-destination', 'my_sink.ts'],
      { cwd: dir },
    )
    expect(byFlag.stderr).not.toContain('✖')
    expect(byFlag.code).toBe(0)
    const lines = readFileSync(join(dir, 'sink.txt'), 'utf8').trim().split('\n')
    expect(lines).toHaveLength(5)
    expect(lines[0]).toBe('> items {"n":0,"loud":"ITEM!"}')
    writeFileSync(join(dir, 'sink.txt'), '')
    writeFileSync(
      join(dir, 'path.yml'),
      pipeline('  destination_file_path: my_sink.ts\n').replace('name: custom', 'name: custom2'),
    )
    const byPath = await bizon(['run', 'path.yml', '--custom-source', 'my_source.ts'], { cwd: dir })
    expect(byPath.code).toBe(0)
    expect(readFileSync(join(dir, 'sink.txt'), 'utf8').trim().split('\n')).toEqual(lines)
    writeFileSync(join(dir, 'bad.yml'), pipeline('').replace('prefix: "> "', 'prefx: "> "'))
    const bad = await bizon(
      ['run', 'bad.yml', '--custom-source', 'my_source.ts', '--custom-destination', 'my_sink.ts'],
      {
        cwd: dir,
      },
    )
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('destination.config.prefx: Unknown key "prefx". Did you mean "prefix"?')
  })

  test('a broken custom file: an error naming the file and line, exit 2', async () => {
    const dir = userFolder()
    writeFileSync(join(dir, 'p.yml'), PIPELINE)
    writeFileSync(
      join(dir, 'broken.ts'),
      "import { defineSource } from 'bizon'\nexport default defineSource({\n  name: 'x',\n  streams: {{\n})\n",
    )
    const syntax = await bizon(['run', 'p.yml', '--custom-source', 'broken.ts'], { cwd: dir })
    expect(syntax.code).toBe(2)
    expect(syntax.stderr).toContain(`${join(dir, 'broken.ts')}:4:`)
    writeFileSync(
      join(dir, 'throws.ts'),
      "import { v } from 'bizon'\nconst n = 1\nthrow new Error('boom ' + n)\n",
    )
    const thrown = await bizon(['run', 'p.yml', '--custom-source', 'throws.ts'], { cwd: dir })
    expect(thrown.code).toBe(2)
    expect(thrown.stderr).toContain(`${join(dir, 'throws.ts')}:3:`)
    expect(thrown.stderr).toContain('boom 1')
    writeFileSync(
      join(dir, 'missing.ts'),
      "import { defineSource } from 'bizon'\nimport { x } from 'not-installed-pkg'\nexport default x\n",
    )
    const missing = await bizon(['run', 'p.yml', '--custom-source', 'missing.ts'], { cwd: dir })
    expect(missing.code).toBe(2)
    expect(missing.stderr).toContain('not-installed-pkg')
    expect(missing.stderr).toContain(`${join(dir, 'missing.ts')}:2:`)
  })
})

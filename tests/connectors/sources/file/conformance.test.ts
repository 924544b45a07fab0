import { afterAll } from 'bun:test'
import decl from '../../../../connectors/sources/file/index.ts'
import { sourceSuite } from '../../../conformance/source.suite.ts'
import { ndjson, tempDir } from './helpers.ts'

const tmp = tempDir()
afterAll(() => tmp.remove())
const rows = (from: number, n: number) =>
  Array.from({ length: n }, (_, i) => ({ id: from + i, name: `n${from + i}` }))
await Bun.write(`${tmp.dir}/1.ndjson`, ndjson(rows(1, 9)))
await Bun.write(
  `${tmp.dir}/2.csv.gz`,
  Bun.gzipSync(
    new TextEncoder().encode(
      `id,name\n${rows(10, 7)
        .map((r) => `${r.id},${r.name}`)
        .join('\n')}\n`,
    ),
  ),
)
await Bun.write(`${tmp.dir}/3.json`, JSON.stringify(rows(17, 5)))

// `*` is the wildcard stream: any name the user types is accepted.
sourceSuite('file (ndjson + gzip csv + json glob)', {
  decl,
  config: { path: `${tmp.dir}/*.*`, id_field: 'id', page_size: 4 },
  stream: '*',
  expect: { ids: Array.from({ length: 21 }, (_, i) => i + 1) },
})

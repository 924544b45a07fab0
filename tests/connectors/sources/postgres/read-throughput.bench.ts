/**
 * Read throughput of the postgres source (keyset pages of 10k, plus JSON.stringify of each record as
 * the engine does) against a raw postgres.js cursor over the same table in the same run.
 * Run: bun tests/connectors/sources/postgres/read-throughput.bench.ts [rows]
 */
import postgres from 'postgres'
import * as v from 'valibot'
import decl from '../../../../connectors/sources/postgres/index.ts'
import { pgUrl } from '../../../helpers/services.ts'
import { sourceContext } from './drive.ts'

const total = Number(process.argv[2] ?? 1_000_000)
const schema = `bizon_rbench_${Math.random().toString(36).slice(2, 8)}`
const sql = postgres(pgUrl(), { max: 1, onnotice: () => {} })
await sql.unsafe(`CREATE SCHEMA ${schema}`)
async function raw(): Promise<number> {
  const start = performance.now()
  let n = 0
  for await (const rows of sql.unsafe(`SELECT * FROM ${schema}.items`).cursor(10_000)) {
    for (const row of rows) n += JSON.stringify(row).length > 0 ? 1 : 0
  }
  if (n !== total) throw new Error(`raw read ${n}`)
  return performance.now() - start
}

async function source(syncMode: 'full_refresh' | 'incremental'): Promise<number> {
  const common = {
    name: 'postgres',
    stream: 'items',
    sync_mode: syncMode,
    cursor_field: syncMode === 'incremental' ? 'updated_at' : undefined,
  }
  const config = { ...v.parse(decl.config!, { url: pgUrl(), schema, page_size: 10_000 }), ...common }
  const start = performance.now()
  const src = await decl.create(config as never, sourceContext('items', syncMode))
  let n = 0
  let pagination = {}
  for (;;) {
    const page = await src.read({ stream: 'items', pagination })
    for (const record of page.records) n += JSON.stringify(record.data).length > 0 ? 1 : 0
    if (!page.next) break
    pagination = JSON.parse(JSON.stringify(page.next))
  }
  await src.close?.()
  if (n !== total) throw new Error(`source read ${n}`)
  return performance.now() - start
}

try {
  await sql.unsafe(`CREATE TABLE ${schema}.items AS
    SELECT i AS id, 'record ' || i AS name, 'user' || i || '@example.org' AS email, i * 0.5 AS score,
           now() - i * interval '1 second' AS updated_at, repeat('x', 80) AS note
      FROM generate_series(1, ${total}) i`)
  await sql.unsafe(`ALTER TABLE ${schema}.items ADD PRIMARY KEY (id)`)
  await sql.unsafe(`VACUUM ANALYZE ${schema}.items`)
  const runs: number[][] = []
  for (let i = 0; i < 3; i++)
    runs.push([await raw(), await source('full_refresh'), await source('incremental')])
  const median = (k: number) => runs.map((r) => r[k]).sort((a, b) => a - b)[1]
  const rate = (ms: number) => Math.round(total / (ms / 1000))
  console.log(`rows ${total}, median of 3`)
  console.log(`raw cursor(10000) + JSON.stringify: ${rate(median(0)).toLocaleString()} rows/s`)
  console.log(
    `source full refresh (keyset by id): ${rate(median(1)).toLocaleString()} rows/s = ${Math.round((100 * median(0)) / median(1))} % of raw`,
  )
  console.log(
    `source incremental (updated_at, id): ${rate(median(2)).toLocaleString()} rows/s = ${Math.round((100 * median(0)) / median(2))} % of raw`,
  )
} finally {
  await sql.unsafe(`DROP SCHEMA ${schema} CASCADE`)
  await sql.end()
}

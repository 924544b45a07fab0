/**
 * Raw bound of postgres → file: read `--table` with a postgres.js cursor (2,000 rows per fetch,
 * as the source's default page), stringify the envelope line of each row, write NDJSON, fsync.
 * Usage: bun bench/raw/pg-read.ts --url URL --table T --out PATH
 */
import { closeSync, fsyncSync, openSync, statSync } from 'node:fs'
import postgres from 'postgres'
import { arg, isoOffset, newId, report } from './common.ts'

const url = arg('url', process.env.BIZON_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres')
const table = arg('table', 'bench_source')
const out = arg('out', `/tmp/bizon-raw-${process.pid}.json`)

const sql = postgres(url, { max: 1, onnotice: () => {} })
try {
  const started = performance.now()
  const writer = Bun.file(out).writer({ highWaterMark: 1 << 20 })
  let records = 0
  for await (const rows of sql.unsafe(`SELECT * FROM ${table} ORDER BY id`).cursor(2000)) {
    const extracted = isoOffset(new Date())
    for (const row of rows) {
      records++
      writer.write(
        `${JSON.stringify({
          bizon_id: newId(),
          bizon_extracted_at: extracted,
          bizon_loaded_at: extracted,
          source_record_id: String(row.id),
          source_timestamp: extracted,
          source_data: JSON.stringify(row),
        })}\n`,
      )
    }
  }
  await writer.end()
  const fd = openSync(out, 'r')
  fsyncSync(fd)
  closeSync(fd)
  report({
    primitive: 'pg-read',
    records,
    bytes: statSync(out).size,
    seconds: (performance.now() - started) / 1000,
  })
} finally {
  await sql.end()
}

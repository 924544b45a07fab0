/**
 * Throughput of the postgres destination (envelope rows, COPY path) against a raw COPY of the same
 * rows in the same run. Run: bun tests/connectors/destinations/postgres/copy-throughput.bench.ts [rows] [batch]
 */

import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import postgres from 'postgres'
import { copyChunks } from '../../../../connectors/destinations/postgres/copy.ts'
import decl from '../../../../connectors/destinations/postgres/index.ts'
import { ENVELOPE } from '../../../../connectors/shared/sql/columns.ts'
import { pgUrl } from '../../../helpers/services.ts'
import { benchBatches, destinationContext, timeDestination } from '../../sources/postgres/drive.ts'

const total = Number(process.argv[2] ?? 1_000_000)
const batchSize = Number(process.argv[3] ?? 10_000)
const distinct = 10 // batches built up front and written again, so generation is not timed
const schema = `bizon_bench_${Math.random().toString(36).slice(2, 8)}`

// ~200 bytes each, with a quote and a backslash to exercise escaping as real JSON does
const batches = benchBatches(distinct, batchSize, ['a', 'b "c"'])
const rounds = Math.ceil(total / batchSize)
const sql = postgres(pgUrl(), { max: 1, onnotice: () => {} })
await sql.unsafe(`CREATE SCHEMA ${schema}`)
const cols = ENVELOPE.map((c) => `"${c.name}"`).join(', ')
const layout = { columns: ENVELOPE, unnest: false }

async function raw(): Promise<number> {
  // Pre-built COPY text of the same rows: what a COPY can take at best.
  const texts = batches.map((records) => [...copyChunks(records, layout)])
  await sql.unsafe(`DROP TABLE IF EXISTS ${schema}.raw; CREATE TABLE ${schema}.raw (bizon_id text, bizon_extracted_at timestamptz,
    bizon_loaded_at timestamptz, source_record_id text, source_timestamp timestamptz, source_data jsonb)`)
  const start = performance.now()
  const writable = await sql.unsafe(`COPY ${schema}.raw (${cols}) FROM STDIN`).writable()
  await pipeline(
    Readable.from(
      (function* () {
        for (let r = 0; r < rounds; r++) yield* texts[r % distinct]
      })(),
    ),
    writable,
  )
  return performance.now() - start
}

async function destination(): Promise<number> {
  const ctx = destinationContext('bench', 'full_refresh')
  return timeDestination(decl, { url: pgUrl(), schema }, ctx, batches, rounds)
}

try {
  const results: { raw: number; dest: number }[] = []
  for (let i = 0; i < 3; i++) results.push({ raw: await raw(), dest: await destination() })
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[1]
  const rawMs = median(results.map((r) => r.raw))
  const destMs = median(results.map((r) => r.dest))
  const rows = rounds * batchSize
  const rate = (ms: number) => Math.round(rows / (ms / 1000))
  console.log(`rows ${rows}, batch ${batchSize}, median of 3`)
  console.log(`raw COPY (pre-built text):   ${rate(rawMs).toLocaleString()} rows/s`)
  console.log(
    `postgres destination (COPY): ${rate(destMs).toLocaleString()} rows/s  = ${Math.round((100 * rawMs) / destMs)} % of raw`,
  )
} finally {
  await sql.unsafe(`DROP SCHEMA ${schema} CASCADE`)
  await sql.end()
}

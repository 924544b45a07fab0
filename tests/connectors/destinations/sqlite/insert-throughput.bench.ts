/**
 * Throughput of the sqlite destination (envelope rows) against raw prepared INSERTs of the same rows
 * (10k per transaction) in the same run. Run: bun tests/connectors/destinations/sqlite/insert-throughput.bench.ts [rows]
 */
import { Database } from 'bun:sqlite'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import decl from '../../../../connectors/destinations/sqlite/index.ts'
import type { DestinationRecord } from '../../../../src/index.ts'
import { benchBatches, destinationContext, timeDestination } from '../../sources/postgres/drive.ts'

const total = Number(process.argv[2] ?? 1_000_000)
const batchSize = 10_000
const dir = mkdtempSync(join(tmpdir(), 'bizon-sqlite-bench-'))

const batches = benchBatches(10, batchSize)
const rounds = Math.ceil(total / batchSize)

function raw(run: number): number {
  const db = new Database(join(dir, `raw${run}.sqlite`))
  db.run('PRAGMA journal_mode = WAL')
  db.run('PRAGMA synchronous = NORMAL')
  db.run(
    'CREATE TABLE t (bizon_id TEXT, bizon_extracted_at TEXT, bizon_loaded_at TEXT, source_record_id TEXT, source_timestamp TEXT, source_data TEXT)',
  )
  const insert = db.prepare('INSERT INTO t VALUES (?1, ?2, ?3, ?4, ?5, ?6)')
  const start = performance.now()
  const write = db.transaction((records: DestinationRecord[]) => {
    for (const r of records) {
      const at = r.bizon_extracted_at.toISOString()
      insert.run(r.bizon_id, at, at, r.source_record_id, at, r.source_data)
    }
  })
  for (let r = 0; r < rounds; r++) write(batches[r % 10])
  const ms = performance.now() - start
  db.close()
  return ms
}

async function destination(run: number): Promise<number> {
  const ctx = { ...destinationContext('bench', 'full_refresh'), baseDir: dir }
  return timeDestination(decl, { path: `dest${run}.sqlite` }, ctx, batches, rounds)
}

try {
  const runs: number[][] = []
  for (let i = 0; i < 3; i++) runs.push([raw(i), await destination(i)])
  const median = (k: number) => runs.map((r) => r[k]).sort((a, b) => a - b)[1]
  const rate = (ms: number) => Math.round((rounds * batchSize) / (ms / 1000))
  console.log(`rows ${rounds * batchSize}, batch ${batchSize}, median of 3`)
  console.log(`raw prepared INSERT: ${rate(median(0)).toLocaleString()} rows/s`)
  console.log(
    `sqlite destination:  ${rate(median(1)).toLocaleString()} rows/s = ${Math.round((100 * median(0)) / median(1))} % of raw`,
  )
} finally {
  rmSync(dir, { recursive: true, force: true })
}

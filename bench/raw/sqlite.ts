/**
 * Raw bound of synthetic → sqlite: build, stringify and insert the six envelope columns with one
 * prepared INSERT, 10,000 rows per transaction, WAL with synchronous=NORMAL (as bizon opens SQLite).
 * Usage: bun bench/raw/sqlite.ts --records N --record-bytes B --db PATH
 */
import { Database } from 'bun:sqlite'
import { arg, isoOffset, newId, numberArg, recordMaker, report } from './common.ts'

const records = numberArg('records', 1_000_000)
const recordBytes = numberArg('record-bytes', 200)
const path = arg('db', `/tmp/bizon-raw-${process.pid}.sqlite`)
const batch = 10_000
const make = recordMaker(records, recordBytes)
const base = Date.parse('2024-01-01T00:00:00Z')

const started = performance.now()
const db = new Database(path, { create: true })
db.run('PRAGMA journal_mode = WAL')
db.run('PRAGMA synchronous = NORMAL')
db.run('DROP TABLE IF EXISTS records')
db.run(
  'CREATE TABLE records (bizon_id TEXT, bizon_extracted_at TEXT, bizon_loaded_at TEXT, source_record_id TEXT, source_timestamp TEXT, source_data TEXT)',
)
const insert = db.prepare('INSERT INTO records VALUES (?1, ?2, ?3, ?4, ?5, ?6)')
const extracted = isoOffset(new Date())
const load = db.transaction((from: number, to: number) => {
  for (let i = from; i < to; i++) {
    insert.run(
      newId(),
      extracted,
      extracted,
      String(i),
      isoOffset(new Date(base + i)),
      JSON.stringify(make(i)),
    )
  }
})
for (let i = 0; i < records; i += batch) load(i, Math.min(records, i + batch))
db.close()
report({ primitive: 'sqlite', records, seconds: (performance.now() - started) / 1000 })

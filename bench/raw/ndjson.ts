/**
 * Raw bound of synthetic → file: build each record, stringify the same envelope line bizon
 * writes, write NDJSON through `Bun.file().writer()`, fsync once (bizon's output is durable too).
 * `--plain` writes the bare records instead (input for the file source workload).
 * Usage: bun bench/raw/ndjson.ts --records N --record-bytes B --out PATH [--plain]
 */
import { closeSync, fsyncSync, openSync, statSync } from 'node:fs'
import { arg, isoOffset, newId, numberArg, recordMaker, report } from './common.ts'

const records = numberArg('records', 1_000_000)
const recordBytes = numberArg('record-bytes', 200)
const out = arg('out', `/tmp/bizon-raw-${process.pid}.json`)
const plain = process.argv.includes('--plain')
const make = recordMaker(records, recordBytes)
const base = Date.parse('2024-01-01T00:00:00Z')

const started = performance.now()
const writer = Bun.file(out).writer({ highWaterMark: 1 << 20 })
const extracted = isoOffset(new Date())
for (let i = 0; i < records; i++) {
  const data = make(i)
  if (plain) {
    writer.write(`${JSON.stringify(data)}\n`)
    continue
  }
  // A fresh loaded-at per page of 1000, as the engine stamps per page.
  const line = JSON.stringify({
    bizon_id: newId(),
    bizon_extracted_at: extracted,
    bizon_loaded_at: extracted,
    source_record_id: String(i),
    source_timestamp: isoOffset(new Date(base + i)),
    source_data: JSON.stringify(data),
  })
  writer.write(`${line}\n`)
}
await writer.end()
const written = performance.now()
const fd = openSync(out, 'r')
fsyncSync(fd)
closeSync(fd)
const seconds = (performance.now() - started) / 1000
report({
  primitive: plain ? 'ndjson-plain' : 'ndjson',
  records,
  bytes: statSync(out).size,
  seconds,
  seconds_before_fsync: (written - started) / 1000,
})

/**
 * The synthetic → file path timed stage by stage in one process, without the engine around it:
 * what each stage costs per million records, and so what the engine itself adds (compare with the
 * `file-1m` workload's wall time).
 * Usage: bun bench/stages.ts [--records N] [--record-bytes B] [--out PATH]
 */
import { closeSync, openSync, unlinkSync, writeSync } from 'node:fs'
import * as v from 'valibot'
import { EnvelopeEncoder } from '../connectors/destinations/file/encode.ts'
import synthetic from '../connectors/sources/synthetic/index.ts'
import { createSyntheticSource } from '../connectors/sources/synthetic/source.ts'
import { toDestinationRecords } from '../src/engine/records.ts'
import type { Pagination, ReadRequest, SourceContext } from '../src/index.ts'
import { arg, numberArg } from './raw/common.ts'

const records = numberArg('records', 1_000_000)
const recordBytes = numberArg('record-bytes', 200)
const out = arg('out', `/tmp/bizon-stages-${process.pid}.json`)
// The file destination encodes this many records per write.
const CHUNK = 256

const config = v.parse(synthetic.config!, { records, record_bytes: recordBytes, page_size: 1000 })
const source = createSyntheticSource(
  { ...config, stream: 'records' } as never,
  {
    signal: new AbortController().signal,
  } as SourceContext,
)
const encoder = new EnvelopeEncoder()
const fd = openSync(out, 'w')
const seconds = { source: 0, conversion: 0, envelope: 0, write: 0 }
let pagination: Pagination = {}
const started = performance.now()
for (;;) {
  let at = performance.now()
  const page = await source.read({ stream: 'records', pagination } as ReadRequest)
  seconds.source += performance.now() - at
  at = performance.now()
  const converted = toDestinationRecords(page.records, new Date(), [])
  seconds.conversion += performance.now() - at
  for (let i = 0; i < converted.records.length; i += CHUNK) {
    at = performance.now()
    const text = encoder.encode(converted.records, i, Math.min(converted.records.length, i + CHUNK))
    seconds.envelope += performance.now() - at
    at = performance.now()
    writeSync(fd, text)
    seconds.write += performance.now() - at
  }
  if (!page.next || Object.keys(page.next).length === 0) break
  pagination = page.next
}
closeSync(fd)
unlinkSync(out)
const perMillion = (ms: number) => Number(((ms / 1000) * (1_000_000 / records)).toFixed(3))
console.log(
  `RESULT ${JSON.stringify({
    records,
    seconds_per_million: Object.fromEntries(Object.entries(seconds).map(([k, ms]) => [k, perMillion(ms)])),
    total_seconds: Number(((performance.now() - started) / 1000).toFixed(3)),
  })}`,
)

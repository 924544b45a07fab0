/**
 * Throughput of the `nats` queue vs raw JetStream with the same message size, measured in one run.
 *   bun tests/queues/nats/throughput.bench.ts [pages=300] [records=1000]
 * Pages of `records` ~200 B records; the queue side does put (pipelined) + get + ack concurrently,
 * acking every 10 pages as an engine committing a destination cursor would.
 */
import { AckPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream'
import { connect } from '@nats-io/transport-node'
import * as v from 'valibot'
import { decodeMessage, encodeMessage } from '../../../src/queues/codec.ts'
import { NatsQueueConfig } from '../../../src/queues/nats/index.ts'
import { createNatsQueue } from '../../../src/queues/nats/queue.ts'
import type { PageMessage } from '../../../src/queues/types.ts'
import { natsUrl } from '../../helpers/services.ts'

const PAGES = Number(process.argv[2] ?? 300)
const RECORDS = Number(process.argv[3] ?? 1000)
const quiet = { debug() {}, info() {}, warn() {}, error() {} }
const suffix = Math.random().toString(36).slice(2, 8)

function makePage(iteration: number): PageMessage {
  const base = iteration * RECORDS
  return {
    type: 'page',
    iteration,
    extractedAt: new Date(),
    pagination: { offset: base + RECORDS },
    records: Array.from({ length: RECORDS }, (_, i) => ({
      id: base + i,
      data: {
        id: base + i,
        name: `record ${base + i}`,
        score: (base + i) * 0.37,
        updated_at: new Date(1704067200000 + base + i).toISOString(),
        filler: 'x'.repeat(90),
      },
      timestamp: new Date(1704067200000 + base + i),
    })),
  }
}

const pages = Array.from({ length: PAGES }, (_, i) => makePage(i))
const sample = encodeMessage(pages[0]!, 'j')
const recordBytes = Math.round(sample.length / RECORDS)
console.log(
  `${PAGES} pages × ${RECORDS} records, ~${recordBytes} B/record, ${(sample.length / 1e3).toFixed(0)} KB/message`,
)

function report(label: string, seconds: number) {
  const msgs = PAGES / seconds
  console.log(
    `${label.padEnd(44)} ${msgs.toFixed(0).padStart(7)} msg/s ${(msgs * RECORDS).toFixed(0).padStart(10)} rec/s`,
  )
  return msgs
}

// codec alone (encode + decode), for reference
let t0 = performance.now()
for (const p of pages) decodeMessage(encodeMessage(p, 'j'))
report('codec encode+decode only', (performance.now() - t0) / 1000)

// the queue, separate connections: producer alone, consumer alone, then both at once
const config = v.parse(NatsQueueConfig, {
  servers: natsUrl(),
  stream: `bench_q_${suffix}`,
  subject: `bench.q.${suffix}`,
  max_bytes: '2GB',
})
const ctxFor = (jobId: string) => ({
  pipeline: 'bench',
  source: 's',
  stream: 't',
  jobId,
  logger: quiet,
  signal: new AbortController().signal,
})

async function produce(jobId: string) {
  const producer = createNatsQueue(config, ctxFor(jobId))
  await producer.connect()
  for (const p of pages) await producer.put(p)
  await producer.put({ type: 'end', iteration: PAGES, outcome: 'success' })
  await producer.close()
}

async function consume(jobId: string) {
  const consumer = createNatsQueue(config, ctxFor(jobId))
  await consumer.connect()
  let got = 0
  for (;;) {
    const m = await consumer.get()
    if (m.type === 'end') break
    got += (m as PageMessage).records.length
    if (m.iteration % 10 === 9) await consumer.ack(m.iteration)
  }
  await consumer.ack(PAGES)
  await consumer.close()
  if (got !== PAGES * RECORDS) throw new Error(`got ${got} records`)
}

t0 = performance.now()
await produce('job1')
report('nats queue put (producer alone)', (performance.now() - t0) / 1000)
t0 = performance.now()
await consume('job1')
report('nats queue get+ack (consumer alone)', (performance.now() - t0) / 1000)
t0 = performance.now()
await Promise.all([produce('job2'), consume('job2')])
const queueRate = report('nats queue put+get+ack (both, one process)', (performance.now() - t0) / 1000)

// raw JetStream, same message bytes: pipelined publish (window 256), then consume()+ack
const nc = await connect({ servers: natsUrl() })
const jsm = await jetstreamManager(nc)
const js = jetstream(nc)
const raw = `bench_raw_${suffix}`
await jsm.streams.add({ name: raw, subjects: [`bench.raw.${suffix}`], max_bytes: 2e9 })
const payloads = pages.map((p) => encodeMessage(p, 'j'))
t0 = performance.now()
const ring: Promise<unknown>[] = []
for (let i = 0; i < PAGES; i++) {
  if (ring.length >= 256) await ring.shift()
  ring.push(js.publish(`bench.raw.${suffix}`, payloads[i]!, { msgID: `j:${i}` }))
}
await Promise.all(ring)
const pubRate = report('raw JetStream publish pipelined', (performance.now() - t0) / 1000)
await jsm.consumers.add(raw, { durable_name: 'c', ack_policy: AckPolicy.Explicit, max_ack_pending: 20_000 })
const c = await js.consumers.get(raw, 'c')
t0 = performance.now()
const msgs = await c.consume({ max_messages: 32 })
let n = 0
for await (const m of msgs) {
  m.ack()
  if (++n === PAGES) break
}
const conRate = report('raw JetStream consume()+ack', (performance.now() - t0) / 1000)
const rawBoth = 1 / (1 / pubRate + 1 / conRate)
console.log(`raw publish then consume (serial bound)              ${rawBoth.toFixed(0).padStart(7)} msg/s`)
console.log(`queue / raw publish: ${((queueRate / pubRate) * 100).toFixed(0)} %`)

for (const name of [raw, config.stream!]) await jsm.streams.delete(name).catch(() => undefined)
await nc.close()

/** The `nats` destination against the test NATS server: what subscribers of the stream receive. */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { jetstream, jetstreamManager } from '@nats-io/jetstream'
import { connect, type NatsConnection } from '@nats-io/transport-node'
import * as v from 'valibot'
import { renderSubject } from '../../../../connectors/destinations/nats/destination.ts'
import decl, { NatsDestinationConfig } from '../../../../connectors/destinations/nats/index.ts'
import type { Destination, DestinationRecord } from '../../../../src/plugin/types.ts'
import { hasNats, natsUrl } from '../../../helpers/services.ts'

const available = await hasNats()
const prefix = `bizon_dst_${Math.random().toString(36).slice(2, 8)}`
const quiet = { debug() {}, info() {}, warn() {}, error() {} }
let nc: NatsConnection
const opened: Destination[] = []

async function open(extra: Record<string, unknown>) {
  const config = v.parse(NatsDestinationConfig, { servers: natsUrl(), ...extra })
  const destination = await decl.create(
    { ...config, buffer_size: 0, buffer_flush_timeout: 0, unnest: false },
    {
      pipeline: 'orders pipeline',
      source: 'shop',
      stream: 'orders',
      syncMode: 'stream',
      destinationId: 'shop_orders',
      jobId: 'j',
      resuming: false,
      recordSchemas: [],
      unnest: false,
      logger: quiet,
      baseDir: process.cwd(),
    },
  )
  opened.push(destination)
  return destination
}

function record(i: number): DestinationRecord {
  return {
    bizon_id: crypto.randomUUID().replaceAll('-', ''),
    bizon_extracted_at: new Date('2026-11-27T10:00:00.123Z'),
    bizon_loaded_at: new Date('2026-11-27T10:00:01.000Z'),
    source_record_id: `id.${i}`,
    source_timestamp: new Date('2026-11-26T00:00:00.000Z'),
    source_data: JSON.stringify({ i, name: `n° ${i} ✓` }),
  }
}

/** Every message stored in a stream: subject and payload. */
async function stored(stream: string): Promise<{ subject: string; body: string; id?: string }[]> {
  const js = jetstream(nc)
  const consumer = await js.consumers.get(stream) // ordered, ephemeral
  const out: { subject: string; body: string; id?: string }[] = []
  const info = await (await jetstreamManager(nc)).streams.info(stream)
  if (info.state.messages === 0) return out
  for await (const m of await consumer.fetch({ max_messages: info.state.messages, expires: 2000 })) {
    out.push({ subject: m.subject, body: m.string(), id: m.headers?.get('Nats-Msg-Id') })
    if (out.length === info.state.messages) break
  }
  return out
}

describe.skipIf(!available)('nats destination', () => {
  beforeAll(async () => {
    nc = await connect({ servers: natsUrl() })
  })
  afterAll(async () => {
    for (const d of opened) await d.close?.().catch(() => undefined)
    const jsm = await jetstreamManager(nc)
    for await (const name of jsm.streams.names()) if (name.startsWith(prefix)) await jsm.streams.delete(name)
    await nc.close()
  })

  test('subject templates fill placeholders as single tokens', () => {
    expect(
      renderSubject('out.{destination_id}.{source_record_id}', {
        destination_id: 'a.b',
        source_record_id: 'x y>',
      }),
    ).toBe('out.a_b.x_y_')
  })

  test('each record is published as its envelope with Nats-Msg-Id = bizon_id', async () => {
    const destination = await open({
      subject: `${prefix}.env.{destination_id}`,
      create_stream: `${prefix}_env`,
    })
    const records = [record(1), record(2), record(3)]
    await destination.write(records, { destinationId: 'orders' })
    const got = await stored(`${prefix}_env`)
    expect(got.map((m) => m.subject)).toEqual(Array(3).fill(`${prefix}.env.orders`))
    expect(got.map((m) => m.id)).toEqual(records.map((r) => r.bizon_id))
    expect(JSON.parse(got[0]!.body)).toEqual({
      bizon_id: records[0]!.bizon_id,
      bizon_extracted_at: '2026-11-27T10:00:00.123000+00:00',
      bizon_loaded_at: '2026-11-27T10:00:01.000000+00:00',
      source_record_id: 'id.1',
      source_timestamp: '2026-11-26T00:00:00.000000+00:00',
      source_data: '{"i":1,"name":"n° 1 ✓"}',
    })
  })

  test('a batch written again is stored once; payload: data sends the record itself', async () => {
    const destination = await open({
      subject: `${prefix}.data.{source_record_id}`,
      create_stream: `${prefix}_data`,
      payload: 'data',
      max_in_flight: 4,
    })
    const records = Array.from({ length: 50 }, (_, i) => record(i))
    await destination.write(records, { destinationId: 'x' })
    await destination.write(records, { destinationId: 'x' })
    const got = await stored(`${prefix}_data`)
    expect(got.length).toBe(50)
    expect(got[7]).toEqual({
      subject: `${prefix}.data.id_7`,
      body: '{"i":7,"name":"n° 7 ✓"}',
      id: records[7]!.bizon_id,
    })
  })

  test('a subject no stream takes fails the write with a hint', async () => {
    const destination = await open({ subject: `${prefix}.nowhere.{destination_id}`, publish_timeout: 0.2 })
    await expect(destination.write([record(1)], { destinationId: 'x' })).rejects.toThrow(
      /could not publish record \w+ to .*nowhere\.x: .*No JetStream stream takes subject/,
    )
  }, 20_000)
})

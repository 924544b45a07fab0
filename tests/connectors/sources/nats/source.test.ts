/** The `nats` source against the test NATS server: records, routing, commit = ack, bounded runs. */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { jetstream, jetstreamManager } from '@nats-io/jetstream'
import { connect, type NatsConnection } from '@nats-io/transport-node'
import * as v from 'valibot'
import decl, { NatsSourceConfig } from '../../../../connectors/sources/nats/index.ts'
import { subjectMatches } from '../../../../connectors/sources/nats/subjects.ts'
import type { Page, Source, SyncMode } from '../../../../src/plugin/types.ts'
import { hasNats, natsUrl } from '../../../helpers/services.ts'

const available = await hasNats()
const prefix = `bizon_src_${Math.random().toString(36).slice(2, 8)}`
const quiet = { debug() {}, info() {}, warn() {}, error() {} }
let nc: NatsConnection
const opened: Source[] = []

async function makeStream(name: string, messages: [string, unknown][]): Promise<void> {
  const jsm = await jetstreamManager(nc)
  await jsm.streams.add({ name: `${prefix}_${name}`, subjects: [`${prefix}.${name}.>`], max_bytes: 16e6 })
  const js = jetstream(nc)
  for (const [subject, payload] of messages) {
    const data = typeof payload === 'string' ? payload : JSON.stringify(payload)
    await js.publish(`${prefix}.${name}.${subject}`, data)
  }
}

async function open(name: string, extra: Record<string, unknown> = {}, syncMode: SyncMode = 'stream') {
  const config = v.parse(NatsSourceConfig, {
    servers: natsUrl(),
    nats_stream: `${prefix}_${name}`,
    max_wait: 0.3,
    ...extra,
  })
  const source = await decl.create(
    { ...config, name: 'nats', stream: 'messages', sync_mode: syncMode },
    {
      stream: 'messages',
      syncMode,
      logger: quiet,
      baseDir: process.cwd(),
      signal: new AbortController().signal,
    },
  )
  opened.push(source)
  return source
}

const read = (source: Source): Promise<Page> => source.read({ stream: 'messages', pagination: {} })

describe.skipIf(!available)('nats source', () => {
  beforeAll(async () => {
    nc = await connect({ servers: natsUrl() })
  })
  afterAll(async () => {
    for (const source of opened) await source.close?.().catch(() => undefined)
    const jsm = await jetstreamManager(nc)
    for await (const name of jsm.streams.names()) if (name.startsWith(prefix)) await jsm.streams.delete(name)
    await nc.close()
  })

  test('subject patterns match NATS wildcards', () => {
    expect(subjectMatches('orders.*', 'orders.eu')).toBe(true)
    expect(subjectMatches('orders.*', 'orders.eu.x')).toBe(false)
    expect(subjectMatches('orders.>', 'orders.eu.x')).toBe(true)
    expect(subjectMatches('orders.>', 'orders')).toBe(false)
    expect(subjectMatches('a.b', 'a.b')).toBe(true)
  })

  test('messages become records with ids, timestamps and routed destinations', async () => {
    await makeStream('rec', [
      ['orders.eu', { order: { id: 'o-1' }, total: 10, note: 'café' }],
      ['orders.us', { order: { id: 'o-2' }, total: 20 }],
      ['users.new', { name: 'Ann' }],
      ['misc', 42],
    ])
    const source = await open('rec', {
      id_field: 'order.id',
      routes: { [`${prefix}.rec.orders.*`]: 'orders', [`${prefix}.rec.users.>`]: 'users' },
    })
    const page = await read(source)
    expect(page.records.map((r) => [r.id, r.destinationId, r.data])).toEqual([
      ['o-1', 'orders', { order: { id: 'o-1' }, total: 10, note: 'café' }],
      ['o-2', 'orders', { order: { id: 'o-2' }, total: 20 }],
      [3, 'users', { name: 'Ann' }],
      [4, undefined, { value: 42 }],
    ])
    expect(page.records[0]!.timestamp).toBeInstanceOf(Date)
    expect(Math.abs(page.records[0]!.timestamp!.getTime() - Date.now())).toBeLessThan(60_000)
    expect(page.next).not.toBeNull()
    await source.commit?.()
  })

  test('commit acks what was returned: a restarted source starts after it', async () => {
    await makeStream(
      'ack',
      Array.from({ length: 5 }, (_, i): [string, unknown] => ['x', { i }]),
    )
    const first = await open('ack', { batch_size: 3, ack_wait: 1, stop_when_drained: true })
    expect((await read(first)).records.map((r) => r.data.i)).toEqual([0, 1, 2])
    await first.commit?.()
    expect((await read(first)).records.map((r) => r.data.i)).toEqual([3, 4]) // returned, never committed
    await first.close?.()

    // a restarted source gets the uncommitted messages again (after ack_wait), then is drained
    const second = await open('ack', { batch_size: 3, ack_wait: 1, stop_when_drained: true })
    const again = new Set<unknown>()
    for (let reads = 0; reads < 40; reads++) {
      const page = await read(second)
      if (page.next === null) break
      for (const r of page.records) again.add(r.data.i)
      await second.commit?.()
    }
    expect([...again].sort()).toEqual([3, 4])
    expect(await read(second)).toEqual({ records: [], next: null })
  }, 20_000)

  test('several subjects read through one durable consumer each', async () => {
    // more messages than two pages per subject: the pumps wait for room and resume
    const messages: [string, unknown][] = []
    for (let i = 0; i < 12; i++)
      messages.push(['a', { k: `a${i}` }], ['b', { k: `b${i}` }], ['c', { k: `c${i}` }])
    await makeStream('multi', messages)
    const source = await open('multi', {
      subjects: [`${prefix}.multi.a`, `${prefix}.multi.b`],
      consumer: 'two',
      stop_when_drained: true,
      batch_size: 2,
    })
    const seen: unknown[] = []
    for (;;) {
      const page = await read(source)
      if (page.next === null) break
      seen.push(...page.records.map((r) => r.data.k))
      await source.commit?.()
    }
    expect(seen.length).toBe(24)
    expect(new Set(seen)).toEqual(
      new Set(messages.filter(([s]) => s !== 'c').map(([, d]) => (d as { k: string }).k)),
    )
    const jsm = await jetstreamManager(nc)
    const names: string[] = []
    for await (const c of jsm.consumers.list(`${prefix}_multi`)) names.push(c.name)
    expect(names.sort()).toEqual([`two_${prefix}_multi_a`, `two_${prefix}_multi_b`])
  })

  test('a payload that is not JSON fails the read unless skipped', async () => {
    await makeStream('bad', [
      ['x', '{not json'],
      ['x', { ok: true }],
    ])
    const strict = await open('bad', { consumer: 'strict' })
    await expect(read(strict)).rejects.toThrow(/could not read message 1 on .*: the payload is not JSON/)
    const lenient = await open('bad', { consumer: 'lenient', skip_invalid_json: true })
    expect((await read(lenient)).records.map((r) => r.data)).toEqual([{ ok: true }])
  })

  test('a stream that does not exist fails with its name', async () => {
    await expect(open('missing')).rejects.toThrow(`could not open stream "${prefix}_missing"`)
  })
})

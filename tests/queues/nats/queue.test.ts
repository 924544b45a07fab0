/** The `nats` queue against the test NATS server: the conformance suite plus JetStream specifics. */
import { afterAll, describe, expect, test } from 'bun:test'
import { jetstreamManager } from '@nats-io/jetstream'
import { connect } from '@nats-io/transport-node'
import * as v from 'valibot'
import { NatsQueueConfig, nats } from '../../../src/queues/nats/index.ts'
import { createNatsQueue, type NatsQueue } from '../../../src/queues/nats/queue.ts'
import { queueNames } from '../../../src/queues/nats/stream.ts'
import type { PageMessage } from '../../../src/queues/types.ts'
import { page, queueSuite, quietLogger } from '../../conformance/queue.suite.ts'
import { hasNats, natsUrl } from '../../helpers/services.ts'

const available = await hasNats()
const prefix = `bizon_test_${Math.random().toString(36).slice(2, 8)}`

/** Deletes every stream this file created. */
async function cleanup() {
  const nc = await connect({ servers: natsUrl() })
  const jsm = await jetstreamManager(nc)
  for await (const name of jsm.streams.names()) if (name.startsWith(prefix)) await jsm.streams.delete(name)
  await nc.close()
}

function makeQueue(key: string, jobId: string, extra: Record<string, unknown> = {}): NatsQueue {
  const config = v.parse(NatsQueueConfig, {
    servers: natsUrl(),
    max_bytes: '64MB',
    stream: `${prefix}_${key}`,
    subject: `${prefix}.${key}`,
    ...extra,
  })
  return createNatsQueue(config, {
    pipeline: 'test pipeline',
    source: 'dummy',
    stream: 'creatures',
    jobId,
    logger: quietLogger,
    signal: new AbortController().signal,
  })
}

const job = () => crypto.randomUUID().replaceAll('-', '')

if (available) {
  queueSuite(
    'nats',
    async (ctx) =>
      makeQueue(ctx.key, ctx.jobId, ctx.capacity ? { max_messages: ctx.capacity, max_in_flight: 1 } : {}),
    { durable: true, cleanup },
  )
}

describe.skipIf(!available)('nats queue', () => {
  afterAll(cleanup)

  test('default names come from the pipeline, sanitized for NATS', () => {
    const names = queueNames({}, { pipeline: 'sales.eu *daily*', source: 'http', stream: 'orders>all' })
    expect(names).toEqual({
      stream: 'bizon_sales_eu__daily__http_orders_all',
      subject: 'bizon.sales_eu__daily_.http.orders_all',
      consumer: 'sales_eu__daily_',
    })
  })

  test('the declaration validates its config with defaults', () => {
    expect(nats.name).toBe('nats')
    const config = v.parse(NatsQueueConfig, {})
    expect(config).toMatchObject({ servers: 'nats://127.0.0.1:4222', max_bytes: '1GB', max_in_flight: 256 })
    expect(v.safeParse(NatsQueueConfig, { max_bytes: 'lots' }).success).toBe(false)
  })

  test('a page published twice (a restarted producer) is handed out once', async () => {
    const key = 'dup'
    const jobId = job()
    const first = makeQueue(key, jobId)
    await first.connect()
    await first.put(page(0))
    await first.put(page(1))
    await first.close()
    const again = makeQueue(key, jobId)
    await again.connect()
    await again.put(page(1))
    await again.put(page(2))
    await again.put({ type: 'end', iteration: 3, outcome: 'success' })
    const seen: number[] = []
    for (;;) {
      const message = await again.get(AbortSignal.timeout(5000))
      seen.push(message.iteration)
      if (message.type === 'end') break
    }
    expect(seen).toEqual([0, 1, 2, 3])
    await again.ack(3)
    await again.close()
  })

  test('pages stored out of order are handed out in iteration order', async () => {
    const queue = makeQueue('order', job())
    await queue.connect()
    for (const i of [0, 2, 1, 4, 3]) await queue.put(page(i))
    await queue.flush()
    const seen: number[] = []
    for (let i = 0; i < 5; i++) seen.push((await queue.get(AbortSignal.timeout(5000))).iteration)
    expect(seen).toEqual([0, 1, 2, 3, 4])
    await queue.ack(4)
    await queue.close()
  })

  test('a consumer waits for a missing iteration that its producer publishes later', async () => {
    const jobId = job()
    const producer = makeQueue('gap', jobId)
    const consumer = makeQueue('gap', jobId)
    await producer.connect()
    await consumer.connect()
    await producer.put(page(0))
    await producer.flush()
    expect((await consumer.get(AbortSignal.timeout(5000))).iteration).toBe(0)
    await producer.put(page(2))
    await producer.flush()
    const pending = consumer.get(AbortSignal.timeout(5000))
    await Bun.sleep(300)
    await producer.put(page(1))
    const [a, b] = [await pending, await consumer.get(AbortSignal.timeout(5000))]
    expect([a.iteration, b.iteration]).toEqual([1, 2])
    expect(consumer.size()).toBe(0)
    await consumer.ack(2)
    await producer.close()
    await consumer.close()
  })

  test('a producer process that exits right after close() has stored everything', async () => {
    const jobId = job()
    const child = Bun.spawn(
      [
        'bun',
        new URL('./producer-process.ts', import.meta.url).pathname,
        natsUrl(),
        `${prefix}_proc`,
        `${prefix}.proc`,
        jobId,
        '200',
      ],
      { stdio: ['ignore', 'inherit', 'inherit'] },
    )
    expect(await child.exited).toBe(0)
    const consumer = makeQueue('proc', jobId)
    await consumer.connect()
    const seen: number[] = []
    for (;;) {
      const message = await consumer.get(AbortSignal.timeout(5000))
      seen.push(message.iteration)
      if (message.type === 'end') break
    }
    expect(seen).toEqual(Array.from({ length: 201 }, (_, i) => i))
    await consumer.ack(200)
    await consumer.close()
  })

  test('size() counts messages waiting, from the producer side too', async () => {
    const queue = makeQueue('size', job())
    await queue.connect()
    for (let i = 0; i < 4; i++) await queue.put(page(i))
    await queue.flush()
    expect((await queue.get(AbortSignal.timeout(5000))).iteration).toBe(0)
    expect(queue.size()).toBe(3)
    await queue.ack(0)
    await queue.close()
  })

  test('an unreachable server fails with a clear message', async () => {
    const config = v.parse(NatsQueueConfig, {
      servers: 'nats://user:secret@127.0.0.1:1',
      connect_timeout: 0.5,
    })
    const queue = createNatsQueue(config, {
      pipeline: 'p',
      source: 's',
      stream: 't',
      jobId: job(),
      logger: quietLogger,
      signal: new AbortController().signal,
    })
    const error = await queue.connect().catch((e: Error) => e)
    expect(String((error as Error).message)).toMatch(
      /^Queue "nats" could not connect to nats:\/\/\*\*\*@127\.0\.0\.1:1: /,
    )
    expect(String((error as Error).message)).not.toContain('secret')
  })

  test('a page bigger than max_payload travels in parts and comes back whole', async () => {
    const queue = makeQueue('parts', job())
    await queue.connect()
    const big: PageMessage = {
      ...page(0, 1),
      records: Array.from({ length: 3000 }, (_, i) => ({ id: i, data: { i, text: 'é'.repeat(500) } })),
    }
    await queue.put(big)
    await queue.put(page(1))
    await queue.put(big) // re-published: its parts are de-duplicated
    await queue.flush()
    expect(await queue.get(AbortSignal.timeout(5000))).toEqual(big)
    expect((await queue.get(AbortSignal.timeout(5000))).iteration).toBe(1)
    await queue.ack(1)
    expect(queue.size()).toBe(0)
    await queue.close()
  })

  test('a record bigger than max_payload fails with a hint', async () => {
    const queue = makeQueue('big', job())
    await queue.connect()
    const big: PageMessage = { ...page(0, 1), records: [{ id: 1, data: { blob: 'x'.repeat(2_000_000) } }] }
    await queue.put(big).catch(() => undefined)
    const error = await queue.flush().catch((e: Error) => e)
    expect(String((error as Error).message)).toContain('lower the source page size')
    await queue.close().catch(() => undefined)
  })
})

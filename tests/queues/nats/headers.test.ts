/**
 * The `nats` queue's message headers: every message names its job and iteration (the reader files
 * pages by them and decodes a page only when it hands it out), and messages without them, as an
 * older bizon published, are still read.
 */
import { afterAll, describe, expect, test } from 'bun:test'
import { jetstream, jetstreamManager } from '@nats-io/jetstream'
import { connect } from '@nats-io/transport-node'
import * as v from 'valibot'
import { encodeMessage } from '../../../src/queues/codec.ts'
import { NatsQueueConfig } from '../../../src/queues/nats/index.ts'
import { createNatsQueue } from '../../../src/queues/nats/queue.ts'
import { page, quietLogger } from '../../conformance/queue.suite.ts'
import { hasNats, natsUrl } from '../../helpers/services.ts'

const available = await hasNats()
const prefix = `bizon_test_hdr_${Math.random().toString(36).slice(2, 8)}`
const job = () => crypto.randomUUID().replaceAll('-', '')

function makeQueue(key: string, jobId: string) {
  const config = v.parse(NatsQueueConfig, {
    servers: natsUrl(),
    max_bytes: '64MB',
    stream: `${prefix}_${key}`,
    subject: `${prefix}.${key}`,
  })
  const ctx = {
    pipeline: 'headers',
    source: 'dummy',
    stream: 'creatures',
    jobId,
    logger: quietLogger,
    signal: new AbortController().signal,
  }
  return createNatsQueue(config, ctx)
}

describe.skipIf(!available)('nats queue headers', () => {
  afterAll(async () => {
    const nc = await connect({ servers: natsUrl() })
    const jsm = await jetstreamManager(nc)
    for await (const name of jsm.streams.names()) if (name.startsWith(prefix)) await jsm.streams.delete(name)
    await nc.close()
  })

  test('each message carries its job and iteration as headers', async () => {
    const jobId = job()
    const queue = makeQueue('tagged', jobId)
    await queue.connect()
    await queue.put(page(7))
    await queue.flush()
    const nc = await connect({ servers: natsUrl() })
    const stored = await (await jetstreamManager(nc)).streams.getMessage(`${prefix}_tagged`, { seq: 1 })
    await nc.close()
    expect(stored?.header.get('Bizon-Job')).toBe(jobId)
    expect(stored?.header.get('Bizon-Iteration')).toBe('7')
    expect(stored?.header.get('Nats-Msg-Id')).toBe(`${jobId}:7`)
    await queue.close()
  })

  test('pages published without the headers (an older bizon) are read in order with the others', async () => {
    const jobId = job()
    const queue = makeQueue('legacy', jobId)
    await queue.connect()
    await queue.put(page(0))
    await queue.flush()
    const nc = await connect({ servers: natsUrl() })
    await jetstream(nc).publish(`${prefix}.legacy`, encodeMessage(page(2), jobId), { msgID: `${jobId}:2` })
    await jetstream(nc).publish(`${prefix}.legacy`, encodeMessage(page(1), jobId), { msgID: `${jobId}:1` })
    await nc.close()
    await queue.put({ type: 'end', iteration: 3, outcome: 'success' })
    await queue.flush()
    const seen = []
    for (let i = 0; i < 4; i++) seen.push(await queue.get(AbortSignal.timeout(5000)))
    expect(seen.map((m) => m.iteration)).toEqual([0, 1, 2, 3])
    expect(seen[1]).toEqual(page(1))
    expect(seen[2]).toEqual(page(2))
    await queue.ack(3)
    expect(queue.size()).toBe(0)
    await queue.close()
  })
})

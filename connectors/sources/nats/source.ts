/** The `nats` source: pumps durable-consumer messages into pages; acks on commit. */
import type { ConsumerMessages, JsMsg } from '@nats-io/jetstream'
import {
  BizonError,
  type Page,
  type Source,
  type SourceContext,
  type SourceRecord,
} from '../../../src/index.ts'
import { confirmAcks, openNats } from '../../shared/nats/connection.ts'
import type { NatsSourceConfig } from './index.ts'
import { consumerFor, createRouter } from './subjects.ts'

const WHAT = 'Source "nats"'
const decoder = new TextDecoder()
const replyOf = (msg: JsMsg): string => (msg as unknown as { reply: string }).reply

function pick(data: unknown, path: string): unknown {
  let value = data
  for (const key of path.split('.')) value = (value as Record<string, unknown> | null)?.[key]
  return value
}

export async function createNatsSource(config: NatsSourceConfig, ctx: SourceContext): Promise<Source> {
  const { AckPolicy, DeliverPolicy, jetstream, jetstreamManager } = await import('@nats-io/jetstream')
  const nc = await openNats(config, WHAT, ctx)
  const jsm = await jetstreamManager(nc).catch(async (error) => {
    await nc.close()
    throw new BizonError(
      'connection',
      `${WHAT} could not use JetStream: ${error.message}. Start nats-server with -js.`,
    )
  })
  const js = jetstream(nc)
  const base = config.consumer ?? `bizon_${config.nats_stream}`
  const filters = config.subjects?.length ? config.subjects : [undefined]
  const route = createRouter(config.routes)

  // one durable consumer per subject filter (nats-server 2.9 has no multi-filter consumers)
  const consumers: { name: string; messages: ConsumerMessages }[] = []
  try {
    for (const filter of filters) {
      const name = filters.length > 1 && filter ? consumerFor(base, filter) : base
      const exists = await jsm.consumers.info(config.nats_stream, name).catch((error) => {
        if (/consumer not found/i.test(error.message)) return null
        throw error
      })
      if (!exists) {
        await jsm.consumers.add(config.nats_stream, {
          durable_name: name,
          ack_policy: AckPolicy.Explicit,
          deliver_policy: config.deliver === 'new' ? DeliverPolicy.New : DeliverPolicy.All,
          filter_subject: filter,
          ack_wait: config.ack_wait * 1e9,
          max_ack_pending: Math.max(10_000, config.batch_size * 4),
        })
      }
      const consumer = await js.consumers.get(config.nats_stream, name)
      consumers.push({ name, messages: await consumer.consume({ max_messages: config.batch_size }) })
    }
  } catch (error) {
    for (const c of consumers) c.messages.stop()
    await nc.close()
    const cause = error instanceof Error ? error.message : String(error)
    throw new BizonError(
      'source',
      `${WHAT} could not open stream "${config.nats_stream}": ${cause}. Check nats_stream and subjects.`,
      {
        cause,
      },
    )
  }

  const inbox: JsMsg[] = []
  let wake: (() => void) | undefined
  let spaceWaiters: (() => void)[] = []
  let failure: Error | undefined
  for (const { messages } of consumers) {
    void (async () => {
      try {
        for await (const msg of messages) {
          inbox.push(msg)
          wake?.()
          while (inbox.length >= config.batch_size * 2) await new Promise<void>((r) => spaceWaiters.push(r))
        }
      } catch (error) {
        failure = error as Error
        wake?.()
      }
    })()
  }
  const arrival = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms)
      wake = () => {
        clearTimeout(timer)
        wake = undefined
        resolve()
      }
    })

  let returned: JsMsg[] = []

  async function drained(): Promise<boolean> {
    // messages handed to a crashed reader are still "ack pending" until redelivered: not drained
    let ackPending = 0
    for (const c of consumers) {
      const info = await jsm.consumers.info(config.nats_stream, c.name)
      if (info.num_pending > 0) return false
      ackPending += info.num_ack_pending
    }
    return inbox.length === 0 && ackPending <= returned.length
  }

  function toRecord(msg: JsMsg): SourceRecord | undefined {
    const text = decoder.decode(msg.data)
    let payload: unknown
    try {
      payload = JSON.parse(text)
    } catch {
      if (config.skip_invalid_json) {
        ctx.logger.warn(`${WHAT}: message ${msg.seq} on ${msg.subject} is not JSON; skipped`)
        return undefined
      }
      throw new BizonError(
        'source',
        `${WHAT} could not read message ${msg.seq} on ${msg.subject}: the payload is not JSON. ` +
          'Set skip_invalid_json: true to skip such messages.',
      )
    }
    const data =
      payload !== null && typeof payload === 'object' && !Array.isArray(payload)
        ? payload
        : { value: payload }
    const field = config.id_field ? pick(data, config.id_field) : undefined
    const record: SourceRecord = {
      id: typeof field === 'string' || typeof field === 'number' ? field : msg.seq,
      data: data as Record<string, unknown>,
      timestamp: msg.time,
    }
    const destinationId = route(msg.subject)
    if (destinationId !== undefined) record.destinationId = destinationId
    return record
  }

  async function commit(): Promise<void> {
    const done = returned
    returned = []
    await confirmAcks(nc, done.map(replyOf), WHAT)
  }

  return {
    async check() {
      const info = await jsm.streams.info(config.nats_stream).catch(() => null)
      return info ? { ok: true } : { ok: false, detail: `stream "${config.nats_stream}" not found` }
    },
    async total() {
      const info = await jsm.streams.info(config.nats_stream).catch(() => null)
      return info ? info.state.messages : null
    },
    async read(): Promise<Page> {
      // outside stream mode nobody calls commit(): a page is done once the engine asks for the next
      if (ctx.syncMode !== 'stream') await commit()
      const deadline = Date.now() + config.max_wait * 1000
      while (inbox.length < config.batch_size && !failure && !ctx.signal.aborted) {
        const left = deadline - Date.now()
        if (left <= 0) break
        // once something is there, linger only briefly for more
        await arrival(inbox.length > 0 ? Math.min(left, 20) : left)
        if (inbox.length > 0 && Date.now() < deadline && wake === undefined) continue
        if (inbox.length > 0) break
      }
      if (failure)
        throw new BizonError(
          'source',
          `${WHAT} could not read "${config.nats_stream}": ${failure.message}. Run again.`,
        )
      const taken = inbox.splice(0, config.batch_size)
      const waiters = spaceWaiters
      spaceWaiters = []
      for (const resume of waiters) resume()
      if (taken.length === 0 && config.stop_when_drained && (await drained()))
        return { records: [], next: null }
      const records: SourceRecord[] = []
      for (const msg of taken) {
        const record = toRecord(msg)
        if (record) records.push(record)
        returned.push(msg)
      }
      const last = taken.at(-1)
      return { records, next: { sequence: last?.seq ?? 0 } }
    },
    commit,
    async close() {
      for (const c of consumers) c.messages.stop()
      if (!nc.isClosed()) {
        await nc.flush().catch(() => undefined)
        await nc.close()
      }
    },
  }
}

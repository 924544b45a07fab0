/**
 * The `nats` queue: one JetStream stream per pipeline, one message per iteration.
 *
 * Either side may run alone (`--role producer|consumer`): connect() only makes sure the stream
 * exists; the reading session (and its consumer) starts with the first get().
 */
import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream'
import type { MsgHdrs, NatsConnection } from '@nats-io/transport-node'
import { GcPacer } from '../../engine/memory.ts'
import { BizonError, messageOf } from '../../errors.ts'
import type { Queue, QueueContext } from '../types.ts'
import { connectNats, redactServers } from './connection.ts'
import type { NatsQueueConfig } from './index.ts'
import { type Encoded, encodeForStream, HEADER } from './parts.ts'
import { createPublisher, type Publisher } from './publisher.ts'
import { createReader, type Reader } from './reader.ts'
import { ensureStream, queueNames, recreateConsumer } from './stream.ts'
import { parseDurationMs, parseSize } from './units.ts'

const ACK = new TextEncoder().encode('+ACK')

/**
 * Every payload byte through the queue leaves several bytes of garbage (the JSON text, its bytes,
 * the client's send copy; the socket's read frames, the client's reassembly buffer, the decoded
 * text) that JSC lets pile up (see engine/memory.ts): one full collection per this many payload
 * bytes published or received (10 for 1M records of 200 B): synthetic → file through the queue
 * peaks at ~142 MB instead of ~150 (every 32 MB: ~128 MB, but ~0.1 s slower per 1M records).
 */
const GC_EVERY_BYTES = 48 * 1024 * 1024

export interface NatsQueue extends Queue {
  /** Resolves when every message put so far is stored in the stream (call before a source checkpoint). */
  flush(): Promise<void>
  /** The stream, subject and consumer names in use. */
  readonly names: ReturnType<typeof queueNames>
}

export function createNatsQueue(config: NatsQueueConfig, ctx: QueueContext): NatsQueue {
  const names = queueNames(config, ctx)
  const ackWaitMs = parseDurationMs(config.ack_wait)
  const logger = ctx.logger
  let nc: NatsConnection | undefined
  let js: JetStreamClient | undefined
  let jsm: JetStreamManager | undefined
  let publisher: Publisher | undefined
  let reader: Promise<Reader> | undefined
  let activeReader: Reader | undefined
  let streamMessages: number | null = null
  // resolved while connected; replaced by a pending promise on each disconnect
  let up: Promise<void> = Promise.resolve()
  let markUp: () => void = () => {}
  let streamInfoAt = 0
  let makeHeaders: (() => MsgHdrs) | undefined
  const pacer = new GcPacer(GC_EVERY_BYTES)

  const connected = () => {
    if (!nc || !js || !jsm) throw new BizonError('internal', 'Queue "nats" was used before connect().')
    return { nc, js, jsm }
  }

  async function startReader(): Promise<Reader> {
    const { nc, js, jsm } = connected()
    await recreateConsumer(jsm, names, { ackWaitMs, maxAckPending: 20_000 })
    activeReader = await createReader(nc, js, names, {
      jobId: ctx.jobId,
      logger,
      ackWaitMs,
      gapTimeoutMs: 60_000,
      // Pages pulled ahead of the consumer. Each costs several times its size in memory until it is
      // handed out (1M records behind a backlog: 8 ahead 165 MB peak, 2 ahead 143 MB) and two keep a
      // local consumer busy; only small pages over a slow link would read faster with more.
      prefetch: 2,
      received: (bytes) => pacer.add(bytes),
    })
    return activeReader
  }

  // Acks are plain publishes; one lost in a disconnect would leave its page in the stream, so they
  // are re-sent until a flush round trip proves the server has them (re-acking is harmless).
  let unconfirmed: string[] = []
  async function confirmAcks(signal: AbortSignal, deadline = Number.POSITIVE_INFINITY): Promise<void> {
    const { nc } = connected()
    for (let attempt = 0; unconfirmed.length > 0; attempt++) {
      const batch = unconfirmed
      unconfirmed = []
      try {
        for (const reply of batch) nc.publish(reply, ACK)
        await nc.flush()
        return
      } catch (error) {
        unconfirmed = [...batch, ...unconfirmed]
        if (nc.isClosed() || signal.aborted || Date.now() > deadline) return
        if (attempt === 0) logger.warn(`Queue "nats": acks not confirmed (${messageOf(error)}); re-sending`)
        await Bun.sleep(Math.min(2000, 100 * 2 ** attempt))
      }
    }
  }

  function headersOf(encoded: Encoded): MsgHdrs {
    const headers = makeHeaders!()
    headers.set(HEADER.job, ctx.jobId)
    headers.set(HEADER.iteration, String(encoded.iteration))
    if (encoded.parts !== undefined) headers.set(HEADER.parts, String(encoded.parts))
    return headers
  }

  function refreshStreamSize(): void {
    if (!jsm || Date.now() - streamInfoAt < 2000) return
    streamInfoAt = Date.now()
    jsm.streams
      .info(names.stream)
      .then((info) => {
        streamMessages = info.state.messages
      })
      .catch(() => undefined)
  }

  return {
    durable: true,
    names,
    async connect() {
      nc = await connectNats(
        {
          ...config,
          name: `bizon ${ctx.pipeline}`,
          what: 'Queue "nats"',
          logger,
          connectTimeoutMs: parseDurationMs(config.connect_timeout),
        },
        ctx.signal,
      )
      void (async () => {
        for await (const status of nc.status()) {
          if (status.type === 'disconnect') {
            up = new Promise<void>((resolve) => (markUp = resolve))
            logger.warn(`Queue "nats": disconnected from ${redactServers(config.servers)}; reconnecting`)
          } else if (status.type === 'reconnect') {
            markUp()
            logger.info('Queue "nats": reconnected')
          }
        }
      })()
      makeHeaders = (await import('@nats-io/transport-node')).headers
      const { jetstream, jetstreamManager } = await import('@nats-io/jetstream')
      try {
        jsm = await jetstreamManager(nc)
      } catch (error) {
        await nc.close()
        throw new BizonError(
          'queue',
          `Queue "nats" could not use JetStream on ${redactServers(config.servers)}: ${messageOf(error)}. ` +
            'Start nats-server with -js (JetStream enabled).',
          { cause: error },
        )
      }
      js = jetstream(nc)
      await ensureStream(jsm, names, {
        maxBytes: parseSize(config.max_bytes),
        maxMessages: config.max_messages,
        maxAgeMs: parseDurationMs(config.max_age),
        duplicateWindowMs: parseDurationMs(config.duplicate_window),
      })
      refreshStreamSize()
    },
    async put(message) {
      publisher ??= createPublisher(connected().js, {
        maxInFlight: config.max_in_flight,
        maxInFlightBytes: parseSize(config.max_in_flight_bytes),
        publishTimeoutMs: parseDurationMs(config.publish_timeout),
        logger,
        signal: ctx.signal,
        where: `stream "${names.stream}"`,
        connected: () => up,
      })
      // room for the headers (Nats-Msg-Id) beside the payload
      const limit = (connected().nc.info?.max_payload ?? 1024 * 1024) - 4096
      for (const encoded of encodeForStream(message, ctx.jobId, limit)) {
        pacer.add(encoded.payload.length)
        await publisher.publish(names.subject, encoded.payload, encoded.msgID, headersOf(encoded))
      }
    },
    async get(signal) {
      reader ??= startReader()
      const r = await reader
      const signals = [signal, ctx.signal].filter((s): s is AbortSignal => s !== undefined)
      return r.get(signals.length > 1 ? AbortSignal.any(signals) : signals[0])
    },
    async ack(iteration) {
      if (!reader) return
      unconfirmed.push(...(await reader).take(iteration))
      await confirmAcks(ctx.signal)
    },
    size() {
      if (activeReader) return activeReader.size()
      refreshStreamSize()
      return streamMessages
    },
    async flush() {
      await publisher?.flush()
    },
    async close() {
      try {
        await publisher?.flush()
      } finally {
        const r = await reader?.catch(() => undefined)
        await r?.close()
        if (unconfirmed.length > 0) await confirmAcks(ctx.signal, Date.now() + 5000)
        if (nc && !nc.isClosed()) {
          await nc.flush().catch(() => undefined)
          await nc.close()
        }
      }
    },
  }
}

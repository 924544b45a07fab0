/**
 * The consuming side of the `nats` queue: one reading session over the durable consumer.
 *
 * - Order: pages may reach the stream out of order (a publish retried after a server restart lands
 *   after its successors), so fetched messages are buffered and handed out by iteration. A session
 *   starts at the lowest iteration in the stream; a missing iteration is waited for (its producer
 *   retries until stored) and skipped with a warning only after `gapTimeoutMs`.
 * - Duplicates (a page re-published outside the duplicate window, a redelivery) of an iteration
 *   already handed out are not handed out again; they are acked together with the original.
 * - Jobs: every message names its job. Messages of another job seen before any message of this job
 *   are leftovers of an earlier, abandoned job: they are acked (dropped) with a warning. A message
 *   of another job after this job's own means a newer job took over: the read fails, nothing acked.
 * - Acks: take(i) releases every message handed out up to and including iteration i (and copies).
 * - Memory: a message is filed by its headers (job, iteration) and decoded only when handed out, so
 *   the pages held ahead (at start, behind a gap) wait as payload bytes, not as record objects.
 */
import type { ConsumerMessages, JetStreamClient, JsMsg } from '@nats-io/jetstream'
import type { NatsConnection } from '@nats-io/transport-node'
import { BizonError, messageOf } from '../../errors.ts'
import type { Logger } from '../../plugin/types.ts'
import { decodeMessage } from '../codec.ts'
import type { QueueMessage } from '../types.ts'
import { createAssembler, headOf } from './parts.ts'
import { createPuller } from './pull.ts'
import type { QueueNames } from './stream.ts'

/** A whole page: decoded (split pages, older publishers) or its payload, decoded when handed out. */
interface Page {
  iteration: number
  message?: QueueMessage
  data?: Uint8Array
  /** Payload bytes of its message(s). */
  bytes: number
}

// A held page keeps its ack subjects (and payload until decoded), not the JsMsg.
interface Buffered extends Page {
  reply: string
  copies: string[]
}

interface Held {
  seq: number
  iteration: number
  reply: string
}

export interface ReaderOptions {
  jobId: string
  logger: Logger
  ackWaitMs: number
  gapTimeoutMs: number
  /** Messages pulled ahead of get(). */
  prefetch: number
  /** Told the payload bytes of every message received (garbage pacing). */
  received?(bytes: number): void
}

/** The `$JS.ACK...` subject a message is acknowledged on. */
const replyOf = (msg: JsMsg): string => (msg as unknown as { reply: string }).reply

// A session starts at the lowest iteration among the first START_WINDOW messages or bytes: a
// publish retried behind its successors lands at most the publisher's in-flight window late.
const START_WINDOW = 64
const START_WINDOW_BYTES = 8 * 1024 * 1024
const START_QUIET_MS = 2000
const MAX_GAP_BUFFER = 256
const MAX_GAP_BYTES = 16 * 1024 * 1024

const ACK = new TextEncoder().encode('+ACK')
const WORKING = new TextEncoder().encode('+WPI')
const TERM = new TextEncoder().encode('+TERM')

export async function createReader(
  nc: NatsConnection,
  js: JetStreamClient,
  names: QueueNames,
  options: ReaderOptions,
) {
  const consumer = await js.consumers.get(names.stream, names.consumer)
  const messages: ConsumerMessages = await consumer.consume({ max_messages: options.prefetch })
  const pull = createPuller(messages, names.stream)

  const buffer = new Map<number, Buffered>()
  const assembler = createAssembler()
  const late: Buffered[] = []
  const skipped = new Set<number>()
  const deliveredSeq = new Map<number, number>()
  let bufferedBytes = 0
  let held: Held[] = []
  let next: number | undefined
  let lastPending = -1
  let gapSince: number | undefined
  let seq = 0
  let ackedSeq = 0
  let ackedIteration = Number.NEGATIVE_INFINITY
  let sawOwnJob = false
  const dropped = new Map<string, number>()

  // held messages wait for the destination's buffer; keep the server from redelivering them
  const keepalive = setInterval(
    () => {
      for (const h of held) nc.publish(h.reply, WORKING)
      for (const b of buffer.values()) nc.publish(b.reply, WORKING)
      for (const reply of assembler.replies()) nc.publish(reply, WORKING)
    },
    Math.max(1000, options.ackWaitMs / 3),
  )
  keepalive.unref?.()

  function accept(msg: JsMsg): void {
    lastPending = msg.info.pending
    const bytes = msg.data.length
    options.received?.(bytes)
    const head = headOf(msg)
    if (head) {
      if (ownJob(head.jobId, msg)) place({ iteration: head.iteration, data: msg.data, bytes }, [replyOf(msg)])
      return
    }
    let decoded: ReturnType<typeof decodeMessage>
    try {
      decoded = decodeMessage(msg.data)
    } catch (error) {
      options.logger.warn(
        `Queue "nats": message ${msg.seq} on ${msg.subject} is not a bizon page (${messageOf(error)}); dropped`,
      )
      msg.term()
      return
    }
    if (!ownJob(decoded.jobId, msg)) return
    const { message, part, parts } = decoded
    const reply = replyOf(msg)
    const iteration = message.iteration
    if (
      parts !== undefined &&
      message.type === 'page' &&
      !deliveredSeq.has(iteration) &&
      !buffer.has(iteration)
    ) {
      const whole = assembler.add(message, part ?? 0, parts, reply, bytes)
      if (whole) place({ iteration, message: whole.message, bytes: whole.bytes }, whole.replies)
      return
    }
    place({ iteration, message, bytes }, [reply])
  }

  /** True for a message of this job; acks (drops) leftovers of earlier jobs, fails on a newer job. */
  function ownJob(jobId: string | undefined, msg: JsMsg): boolean {
    if (jobId !== options.jobId) {
      const other = jobId ?? 'unknown'
      if (sawOwnJob) {
        throw new BizonError(
          'queue',
          `Queue "nats" could not continue job ${options.jobId}: stream "${names.stream}" holds messages of job ${other} ` +
            'published after this job. Another run started a new job; stop this consumer and run it again.',
        )
      }
      nc.publish(replyOf(msg), ACK)
      const count = (dropped.get(other) ?? 0) + 1
      dropped.set(other, count)
      if (count === 1) options.logger.warn(`Queue "nats": dropping leftover messages of earlier job ${other}`)
      return false
    }
    sawOwnJob = true
    return true
  }

  /** Files a complete page (or a copy of one) by iteration; `replies` are its messages' ack subjects. */
  function place(page: Page, replies: string[]): void {
    const iteration = page.iteration
    const primary = deliveredSeq.get(iteration)
    if (primary !== undefined) {
      for (const reply of replies) {
        if (primary <= ackedSeq) nc.publish(reply, ACK)
        else held.push({ seq: primary, iteration, reply })
      }
    } else if (buffer.has(iteration)) {
      buffer.get(iteration)!.copies.push(...replies)
    } else if (
      next !== undefined &&
      iteration < next &&
      !skipped.has(iteration) &&
      iteration <= ackedIteration
    ) {
      for (const reply of replies) nc.publish(reply, ACK) // a copy of a page acked earlier in this session
    } else if (next !== undefined && iteration < next) {
      options.logger.warn(
        `Queue "nats": iteration ${iteration} arrived after iteration ${next - 1}; handing it out late`,
      )
      skipped.delete(iteration)
      late.push({ ...page, reply: replies[0]!, copies: replies.slice(1) })
    } else {
      buffer.set(iteration, { ...page, reply: replies[0]!, copies: replies.slice(1) })
      bufferedBytes += page.bytes
    }
  }

  /** Hands a page out (decoding it now); null when its payload is unreadable (dropped: a gap). */
  function deliver(b: Buffered): QueueMessage | null {
    const iteration = b.iteration
    if (buffer.get(iteration) === b) {
      buffer.delete(iteration)
      bufferedBytes -= b.bytes
    }
    let message = b.message
    if (!message) {
      try {
        message = decodeMessage(b.data!).message
      } catch (error) {
        options.logger.warn(
          `Queue "nats": iteration ${iteration} of job ${options.jobId} is not a bizon page (${messageOf(error)}); dropped`,
        )
        for (const reply of [b.reply, ...b.copies]) nc.publish(reply, TERM)
        return null
      }
    }
    seq++
    deliveredSeq.set(iteration, seq)
    held.push({ seq, iteration, reply: b.reply })
    for (const copy of b.copies) held.push({ seq, iteration, reply: copy })
    if (next === undefined || iteration >= next) next = iteration + 1
    gapSince = undefined
    return message
  }

  const lowest = () => Math.min(...buffer.keys())

  /** The next page to hand out; undefined: none yet; null: one was dropped, look again. */
  function ready(): QueueMessage | null | undefined {
    if (late.length > 0) return deliver(late.shift()!)
    if (buffer.size === 0) return undefined
    if (next === undefined) {
      const full = buffer.size >= START_WINDOW || bufferedBytes >= START_WINDOW_BYTES
      if (lastPending !== 0 && !full) return undefined
      next = lowest()
    }
    const b = buffer.get(next)
    if (b) return deliver(b)
    gapSince ??= Date.now()
    if (Date.now() - gapSince < options.gapTimeoutMs) return undefined
    const first = lowest()
    options.logger.warn(
      `Queue "nats": iterations ${next}..${first - 1} of job ${options.jobId} never arrived in ` +
        `${options.gapTimeoutMs / 1000} s; continuing at ${first}`,
    )
    for (let i = next; i < first; i++) skipped.add(i)
    next = first
    return deliver(buffer.get(first)!)
  }

  return {
    async get(signal?: AbortSignal): Promise<QueueMessage> {
      for (;;) {
        const message = ready()
        if (message) return message
        if (message === null) continue
        let wait: number | undefined
        if (next === undefined && buffer.size > 0) wait = START_QUIET_MS
        else if (gapSince !== undefined) {
          wait = Math.max(1, options.gapTimeoutMs - (Date.now() - gapSince))
          // bounded memory while waiting for a missing page: stop pulling, let the gap time out
          if (buffer.size >= MAX_GAP_BUFFER || bufferedBytes >= MAX_GAP_BYTES) {
            await Bun.sleep(Math.min(wait, 1000))
            continue
          }
        }
        const msg = await pull(wait, signal)
        if (msg) accept(msg)
        else if (next === undefined) lastPending = 0 // quiet: everything there is has arrived
      }
    },
    /**
     * Marks everything handed out up to iteration as done; returns the ack subjects to publish
     * (the queue publishes them and re-sends them until the server confirms).
     */
    take(iteration: number): string[] {
      let cutoff = deliveredSeq.get(iteration)
      if (cutoff === undefined) {
        cutoff = ackedSeq
        for (const h of held) if (h.iteration <= iteration && h.seq > cutoff) cutoff = h.seq
      }
      const replies: string[] = []
      const keep: Held[] = []
      for (const h of held) {
        if (h.seq <= cutoff) replies.push(h.reply)
        else keep.push(h)
      }
      held = keep
      ackedSeq = Math.max(ackedSeq, cutoff)
      ackedIteration = Math.max(ackedIteration, iteration)
      for (const [it, s] of deliveredSeq) if (s <= ackedSeq) deliveredSeq.delete(it)
      return replies
    },
    size(): number {
      return Math.max(0, lastPending) + buffer.size + late.length
    },
    async close(): Promise<void> {
      clearInterval(keepalive)
      const count = [...dropped.values()].reduce((a, b) => a + b, 0)
      if (count > 0) options.logger.info(`Queue "nats": dropped ${count} leftover messages of earlier jobs`)
      // close() would wait until every prefetched message is iterated; they are redelivered anyway
      messages.stop()
    },
  }
}

export type Reader = Awaited<ReturnType<typeof createReader>>

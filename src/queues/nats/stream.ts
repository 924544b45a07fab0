/** Names, the pipeline's JetStream stream, and the durable consumer of a reading session. */
import type { JetStreamManager, StreamConfig } from '@nats-io/jetstream'
import { BizonError, messageOf } from '../../errors.ts'
import type { QueueContext } from '../types.ts'
import { msToNanos } from './units.ts'

/** Stream and consumer names allow letters, digits, `_` and `-` only. */
export const sanitizeName = (text: string): string => text.replace(/[^A-Za-z0-9_-]/g, '_') || '_'

/** One subject token: no dots, wildcards or whitespace. */
export const sanitizeToken = (text: string): string => text.replace(/[.*>\s]/g, '_') || '_'

export interface QueueNames {
  stream: string
  subject: string
  consumer: string
}

export function queueNames(
  config: { stream?: string; subject?: string; consumer?: string },
  ctx: Pick<QueueContext, 'pipeline' | 'source' | 'stream'>,
): QueueNames {
  return {
    stream: config.stream ?? sanitizeName(`bizon_${ctx.pipeline}_${ctx.source}_${ctx.stream}`),
    subject:
      config.subject ??
      ['bizon', ctx.pipeline, ctx.source, ctx.stream].map((t) => sanitizeToken(t)).join('.'),
    consumer: config.consumer ?? sanitizeName(ctx.pipeline),
  }
}

export interface StreamLimits {
  maxBytes: number
  maxMessages: number
  maxAgeMs: number
  duplicateWindowMs: number
}

/**
 * Creates the stream (work-queue retention, file storage, discard new so a full stream pushes back
 * on the producer instead of dropping pages) or brings its limits up to date.
 */
export async function ensureStream(
  jsm: JetStreamManager,
  names: QueueNames,
  limits: StreamLimits,
): Promise<void> {
  const { DiscardPolicy, RetentionPolicy, StorageType } = await import('@nats-io/jetstream')
  // the duplicate window may not exceed the age limit
  const window =
    limits.maxAgeMs > 0 ? Math.min(limits.duplicateWindowMs, limits.maxAgeMs) : limits.duplicateWindowMs
  const wanted: Partial<StreamConfig> & { name: string } = {
    name: names.stream,
    subjects: [names.subject],
    retention: RetentionPolicy.Workqueue,
    storage: StorageType.File,
    discard: DiscardPolicy.New,
    max_bytes: limits.maxBytes,
    max_msgs: limits.maxMessages,
    max_age: msToNanos(limits.maxAgeMs),
    duplicate_window: msToNanos(window),
    num_replicas: 1,
  }
  const where = `stream "${names.stream}"`
  try {
    const info = await jsm.streams.info(names.stream).catch((error) => {
      if (/stream not found/i.test(messageOf(error))) return null
      throw error
    })
    if (!info) {
      try {
        await jsm.streams.add(wanted)
        return
      } catch (error) {
        // another process created it at the same moment: fall through to the update
        if (!/already in use/i.test(messageOf(error))) throw error
      }
    }
    const current = info?.config ?? (await jsm.streams.info(names.stream)).config
    if (current.retention !== RetentionPolicy.Workqueue) {
      throw new Error(`it exists with ${current.retention} retention; bizon needs a work-queue stream`)
    }
    const same =
      current.max_bytes === wanted.max_bytes &&
      current.max_msgs === wanted.max_msgs &&
      current.max_age === wanted.max_age &&
      current.duplicate_window === wanted.duplicate_window &&
      current.subjects.includes(names.subject)
    if (!same) {
      const subjects = current.subjects.includes(names.subject)
        ? current.subjects
        : [...current.subjects, names.subject]
      await jsm.streams.update(names.stream, { ...wanted, subjects })
    }
  } catch (error) {
    const cause = messageOf(error)
    const hint = /overlap/i.test(cause)
      ? `Another stream already takes subject "${names.subject}": set engine.queue.config.subject (or stream).`
      : 'Check engine.queue.config.'
    throw new BizonError('queue', `Queue "nats" could not set up ${where}: ${cause}. ${hint}`, {
      cause: error,
    })
  }
}

/**
 * Starts a reading session: the durable consumer is recreated so that everything still in the
 * work-queue stream (i.e. never acked) is delivered again from the oldest, at once, instead of
 * waiting for the ack timeout of a crashed predecessor.
 */
export async function recreateConsumer(
  jsm: JetStreamManager,
  names: QueueNames,
  options: { ackWaitMs: number; maxAckPending: number },
): Promise<void> {
  const { AckPolicy, DeliverPolicy } = await import('@nats-io/jetstream')
  try {
    await jsm.consumers.delete(names.stream, names.consumer).catch((error) => {
      if (!/consumer not found/i.test(messageOf(error))) throw error
    })
    await jsm.consumers.add(names.stream, {
      durable_name: names.consumer,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      filter_subject: names.subject,
      ack_wait: msToNanos(options.ackWaitMs),
      max_ack_pending: options.maxAckPending,
      max_deliver: -1,
    })
  } catch (error) {
    throw new BizonError(
      'queue',
      `Queue "nats" could not create consumer "${names.consumer}" on stream "${names.stream}": ${messageOf(error)}. ` +
        'Check that no other consumer reads this stream.',
      { cause: error },
    )
  }
}

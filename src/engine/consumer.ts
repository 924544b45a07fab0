/** The consumer: queue → transforms → destination buffer → write → cursor → ack (reference §4.5, §8.2). */
import { BizonError, messageOf } from '../errors.ts'
import type { EndMessage, PageMessage, Queue } from '../queues/types.ts'
import { DestinationBuffer } from './buffer.ts'
import type { RunContext, StageResult } from './context.ts'
import { GcPacer } from './memory.ts'
import { toDestinationRecords } from './records.ts'
import { streamPage, writeRange } from './writer.ts'

const MB = 1024 * 1024

export interface ConsumerResult extends StageResult {
  /** The end message, when one arrived. */
  end?: EndMessage
  /** Finalized and marked succeeded. */
  finished: boolean
}

export async function consume(ctx: RunContext, queue: Queue): Promise<ConsumerResult> {
  const { config } = ctx.config.destination
  const buffer = new DestinationBuffer(config.buffer_size * MB, config.buffer_flush_timeout * 1000)
  const ack = (iteration: number) => queue.ack(iteration)
  let stage: 'queue' | 'transform' | 'destination' = 'queue'
  // A destination with `concurrentFlush` has one flush in flight while the next pages are written;
  // cursors are still committed in order (a flush starts once the one before it has ended).
  const overlap = !!ctx.destination.flush && ctx.destination.concurrentFlush === true
  let inFlight: Promise<void> | undefined
  let failed: { error: unknown } | undefined
  const settle = async () => {
    const running = inFlight
    inFlight = undefined
    await running
    if (failed) throw failed.error
  }
  /** Writes the buffered range; `wait: false` lets it run on while the consumer goes on. */
  const flush = async (wait = true) => {
    const was = stage
    stage = 'destination'
    await settle()
    const range = buffer.take()
    if (range && overlap && !wait)
      inFlight = writeRange(ctx, range, ack).catch((error) => {
        failed = { error }
      })
    else if (range) await writeRange(ctx, range, ack)
    stage = was
  }
  const gauges = () =>
    ctx.observer.gauges({
      queueDepth: queue.size(),
      bufferBytes: buffer.bytes,
      bufferRecords: buffer.records,
    })

  const pacer = new GcPacer()
  let nextIteration = ctx.plan.start.iteration
  try {
    for (;;) {
      stage = 'queue'
      const message = await nextMessage(queue, buffer, ctx.signal, flush)
      if (message.type === 'end') {
        stage = 'destination'
        await flush()
        if (message.outcome !== 'success') return { status: 'success', end: message, finished: false }
        await finish(ctx)
        await queue.ack(message.iteration)
        return { status: 'success', end: message, finished: true }
      }
      if (message.iteration < nextIteration) {
        // Republished by a restarted producer and already written: skip it.
        await queue.ack(message.iteration)
        continue
      }
      nextIteration = message.iteration + 1
      stage = 'transform'
      const converted =
        message.prepared ??
        toDestinationRecords(
          message.records,
          message.extractedAt,
          message.transformed ? [] : ctx.transforms,
          ctx.watchdog,
        )
      stage = 'destination'
      await place(ctx, buffer, message, converted, () => flush(false))
      if (failed) throw failed.error
      pacer.add(converted.bytes)
      gauges()
    }
  } catch (error) {
    await inFlight // never rejects: its failure is in `failed`
    if (ctx.signal.aborted && stage === 'queue') {
      await flush().catch(() => {})
      return { status: 'killed_by_runner', finished: false }
    }
    const status =
      stage === 'transform' ? 'transform_error' : stage === 'queue' ? 'queue_error' : errorStatus(error)
    if (status === 'transform_error') await flush().catch(() => {})
    return { status, error, finished: false }
  }
}

function errorStatus(error: unknown) {
  return error instanceof BizonError && error.code === 'backend' ? 'backend_error' : 'destination_error'
}

/** Buffer rules of §8.2, with an oversized page written on its own instead of failing. */
async function place(
  ctx: RunContext,
  buffer: DestinationBuffer,
  message: PageMessage,
  converted: { records: import('../plugin/types.ts').DestinationRecord[]; bytes: number },
  flush: () => Promise<void>,
) {
  const { records, bytes } = converted
  if (records.length > 0 && (buffer.ripe() || buffer.overflows(bytes))) await flush()
  // A streaming destination takes the page now; the buffer then only counts until the next flush.
  const streaming = !!ctx.destination.flush
  if (streaming) await streamPage(ctx, records)
  buffer.add(records, bytes, message.iteration, message.pagination, message.state, !streaming)
  if (buffer.capacity === 0 || buffer.bytes >= buffer.capacity) {
    if (buffer.bytes > buffer.capacity && buffer.capacity > 0 && !streaming)
      ctx.logger.warn(
        `Page ${message.iteration} (${(bytes / MB).toFixed(1)} MB) is larger than buffer_size; writing it on its own.`,
      )
    await flush()
  }
}

/** Waits for the next message; flushes a buffer that ripens while waiting (slow sources). */
async function nextMessage(
  queue: Queue,
  buffer: DestinationBuffer,
  signal: AbortSignal,
  flush: () => Promise<void>,
) {
  for (;;) {
    const wait = buffer.msUntilRipe()
    if (wait === Number.POSITIVE_INFINITY) return queue.get(signal)
    if (wait === 0) {
      await flush()
      continue
    }
    const timeout = AbortSignal.timeout(Math.max(1, wait))
    try {
      return await queue.get(AbortSignal.any([signal, timeout]))
    } catch (error) {
      if (signal.aborted || !timeout.aborted) throw error
    }
  }
}

/** Finalize, then mark the job succeeded (decisions 3, 4). Stream jobs stay running. */
export async function finish(ctx: RunContext): Promise<void> {
  try {
    await ctx.destination.finalize?.()
  } catch (error) {
    throw new BizonError(
      'destination',
      `Destination "${ctx.destinationName}" could not finalize: ${messageOf(error)}`,
      {
        hint: 'Fix the cause and run again: the next run finalizes without refetching.',
        cause: error,
      },
    )
  }
  if (ctx.plan.job.syncMode !== 'stream')
    await ctx.backend.updateJob(ctx.plan.job.id, { status: 'succeeded', errorMessage: null })
}

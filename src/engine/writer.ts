/** One flush: write the buffered records, commit their destination cursor, ack the queue. */
import { BizonError, messageOf } from '../errors.ts'
import type { DestinationRecord } from '../plugin/types.ts'
import type { BufferedRange } from './buffer.ts'
import type { RunContext } from './context.ts'

/** Benchmark only (scripts/bench "checkpoint" row): no cursor rows, to measure what they cost. Such a run cannot resume. */
const NO_CHECKPOINT = process.env.BIZON_BENCH_NO_CHECKPOINT === '1'

export async function writeRange(
  ctx: RunContext,
  range: BufferedRange,
  ack?: (iteration: number) => Promise<void>,
): Promise<void> {
  const started = performance.now()
  const groups = range.batches.length ? groupByDestination(range.batches, ctx.destinationId) : []
  try {
    for (const [destinationId, records] of groups) await write(ctx, records, destinationId)
    if (ctx.destination.flush) await durable(ctx, range.records)
  } catch (error) {
    await ctx.backend
      .createDestinationCursor({
        ...ctx.key,
        jobId: ctx.plan.job.id,
        destinationName: ctx.destinationName,
        fromSourceIteration: range.fromIteration,
        toSourceIteration: range.toIteration,
        rowsWritten: 0,
        success: false,
        pagination: range.pagination,
      })
      .catch(() => {})
    throw error
  }
  try {
    // The state first: it is read only once this job succeeded, which needs every cursor. A crash
    // between the two redoes the range (its cursor is missing) and writes the state again, while
    // the other order could leave the job's cursors complete and its state a range behind.
    if (range.state !== undefined)
      await ctx.backend.updateJob(ctx.plan.job.id, { incrementalState: range.state })
    if (!NO_CHECKPOINT)
      await ctx.backend.createDestinationCursor({
        ...ctx.key,
        jobId: ctx.plan.job.id,
        destinationName: ctx.destinationName,
        fromSourceIteration: range.fromIteration,
        toSourceIteration: range.toIteration,
        rowsWritten: range.records,
        success: true,
        pagination: range.pagination && Object.keys(range.pagination).length ? range.pagination : null,
      })
  } catch (error) {
    throw new BizonError('backend', `Backend could not record the destination cursor: ${messageOf(error)}`, {
      cause: error,
    })
  }
  if (ack) await ack(range.toIteration)
  ctx.observer.batchWritten({
    fromIteration: range.fromIteration,
    toIteration: range.toIteration,
    records: range.records,
    bytes: range.bytes,
    ms: performance.now() - started,
    destinationId: groups.length === 1 ? groups[0]![0] : ctx.destinationId,
  })
}

/** Hands one page at once to a streaming destination (one with `flush`); durable at the next flush. */
export async function streamPage(ctx: RunContext, records: DestinationRecord[]): Promise<void> {
  if (records.length === 0) return
  for (const [destinationId, group] of groupByDestination([records], ctx.destinationId))
    await write(ctx, group, destinationId)
}

async function write(ctx: RunContext, records: DestinationRecord[], destinationId: string): Promise<void> {
  try {
    await ctx.destination.write(records, { destinationId })
  } catch (error) {
    throw destinationError(ctx, `write ${records.length} records to ${destinationId}`, error)
  }
}

async function durable(ctx: RunContext, records: number): Promise<void> {
  try {
    await ctx.destination.flush?.()
  } catch (error) {
    throw destinationError(ctx, `flush ${records} records`, error)
  }
}

function destinationError(ctx: RunContext, action: string, error: unknown): BizonError {
  if (error instanceof BizonError) return error
  return new BizonError(
    'destination',
    `Destination "${ctx.destinationName}" could not ${action}: ${messageOf(error)}`,
    {
      cause: error,
    },
  )
}

/** Records grouped by their routing key, in arrival order; one group when nothing is routed. */
export function groupByDestination(
  batches: DestinationRecord[][],
  fallback: string,
): [string, DestinationRecord[]][] {
  let routed = false
  for (const batch of batches) {
    for (const record of batch) {
      if (record.destination_id !== undefined) {
        routed = true
        break
      }
    }
    if (routed) break
  }
  if (!routed) return [[fallback, batches.length === 1 ? batches[0]! : batches.flat()]]
  const groups = new Map<string, DestinationRecord[]>()
  for (const batch of batches)
    for (const record of batch) {
      const id = record.destination_id ?? fallback
      let group = groups.get(id)
      if (!group) {
        group = []
        groups.set(id, group)
      }
      group.push(record)
    }
  return [...groups]
}

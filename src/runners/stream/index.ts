/** The `stream` runner: one inline loop for continuous sync (reference §7.3, §11). */
import type { RunContext, StageResult } from '../../engine/context.ts'
import { GcPacer } from '../../engine/memory.ts'
import { toDestinationRecords } from '../../engine/records.ts'
import { writeRange } from '../../engine/writer.ts'
import { BizonError, messageOf } from '../../errors.ts'
import { sleep } from '../../plugin/sleep.ts'

const IDLE_MIN_MS = 100
const IDLE_MAX_MS = 2000

export async function runStream(ctx: RunContext): Promise<StageResult> {
  const { source, config } = ctx
  const maxIterations = config.source.max_iterations || 0
  const commit = config.engine.runner.config.commit_after_write
  let { iteration, pagination } = ctx.plan.start
  let done = 0
  let idle = IDLE_MIN_MS
  const pacer = new GcPacer()
  while (!ctx.signal.aborted) {
    if (maxIterations > 0 && done >= maxIterations) return { status: 'success' }
    const extractedAt = new Date()
    let page: Awaited<ReturnType<typeof source.read>>
    try {
      page = await source.read({ stream: ctx.key.streamName, pagination })
    } catch (error) {
      if (ctx.signal.aborted) break
      return {
        status: 'source_error',
        error: wrap('source', `Source "${config.source.name}" failed on stream ${ctx.key.streamName}`, error),
      }
    }
    const next = page.next && Object.keys(page.next).length > 0 ? page.next : null
    ctx.observer.pageRead({ iteration, records: page.records.length, bytes: 0, ms: 0 })
    if (page.records.length > 0) {
      let converted: ReturnType<typeof toDestinationRecords>
      try {
        converted = toDestinationRecords(page.records, extractedAt, ctx.transforms, ctx.watchdog)
      } catch (error) {
        return { status: 'transform_error', error }
      }
      const range = {
        batches: [converted.records],
        records: converted.records.length,
        bytes: converted.bytes,
        fromIteration: iteration,
        toIteration: iteration,
        pagination: next,
        state: page.state,
      }
      try {
        await writeRange(ctx, range)
      } catch (error) {
        return {
          status:
            error instanceof BizonError && error.code === 'backend' ? 'backend_error' : 'destination_error',
          error,
        }
      }
      if (commit && source.commit) {
        try {
          await source.commit()
        } catch (error) {
          return {
            status: 'source_error',
            error: wrap('source', `Source "${config.source.name}" could not commit`, error),
          }
        }
      }
      pacer.add(converted.bytes)
      idle = IDLE_MIN_MS
      iteration += 1
      done += 1
    } else if (next !== null) {
      await sleep(idle, ctx.signal).catch(() => {}) // a stop ends the wait; the loop then exits
      idle = Math.min(idle * 2, IDLE_MAX_MS)
    }
    if (next === null) return { status: 'success' }
    pagination = next
  }
  return { status: 'killed_by_runner' }
}

function wrap(code: 'source', message: string, error: unknown) {
  return error instanceof BizonError
    ? error
    : new BizonError(code, `${message}: ${messageOf(error)}`, { cause: error })
}

/** The producer: source pages → queue, from the job's resume point (reference §4.4, decisions 2, 5). */
import { BizonError, messageOf } from '../errors.ts'
import type { Pagination } from '../plugin/types.ts'
import type { EndMessage, Queue } from '../queues/types.ts'
import type { RunContext } from './context.ts'

/** Benchmark only: see NO_CHECKPOINT in writer.ts. */
const NO_CHECKPOINT = process.env.BIZON_BENCH_NO_CHECKPOINT === '1'

export async function produce(ctx: RunContext, queue: Queue): Promise<EndMessage> {
  const { source } = ctx
  const maxIterations = ctx.config.source.max_iterations || 0
  let { iteration, pagination } = ctx.plan.start
  let rowsFetched = ctx.plan.start.rowsWritten
  const end = async (outcome: EndMessage['outcome'], error?: unknown): Promise<EndMessage> => {
    const message: EndMessage = {
      type: 'end',
      iteration,
      outcome,
      error: error === undefined ? undefined : messageOf(error),
    }
    // A durable queue keeps the job open across producer runs: only a clean end is published.
    if (outcome !== 'success' && queue.durable) return message
    try {
      await queue.put(message)
    } catch (putError) {
      if (outcome === 'success') return { ...message, outcome: 'queue_error', error: messageOf(putError) }
    }
    return message
  }

  for (;;) {
    if (ctx.signal.aborted) return end('killed_by_runner')
    if (maxIterations > 0 && iteration - ctx.plan.start.iteration >= maxIterations) {
      ctx.logger.info(`Reached max_iterations (${maxIterations}).`)
      return end('success')
    }
    if (!NO_CHECKPOINT && iteration % ctx.syncCursorEvery === 0) {
      try {
        await ctx.backend.createSourceCursor({
          ...ctx.key,
          jobId: ctx.plan.job.id,
          iteration,
          rowsFetched,
          pagination,
        })
      } catch (error) {
        return end(
          'backend_error',
          new BizonError('backend', `Backend could not record the source cursor: ${messageOf(error)}`),
        )
      }
    }
    const extractedAt = new Date()
    const started = performance.now()
    let page: Awaited<ReturnType<typeof source.read>>
    try {
      page = await source.read({ stream: ctx.key.streamName, pagination, incremental: ctx.plan.incremental })
      if (!page || !Array.isArray(page.records))
        throw new Error('read() must return { records: [...], next }')
    } catch (error) {
      if (ctx.signal.aborted) return end('killed_by_runner')
      const detail = `Source "${ctx.config.source.name}" failed on stream ${ctx.key.streamName} at iteration ${iteration}: ${messageOf(error)}`
      ctx.observer.error({ stage: 'source', message: detail })
      return end('source_error', new BizonError('source', detail, { cause: error }))
    }
    const next: Pagination | null = page.next && Object.keys(page.next).length > 0 ? page.next : null
    ctx.observer.pageRead({
      iteration,
      records: page.records.length,
      bytes: 0,
      ms: performance.now() - started,
    })
    try {
      await queue.put({
        type: 'page',
        iteration,
        records: page.records,
        extractedAt,
        pagination: next,
        state: page.state,
      })
    } catch (error) {
      if (error instanceof BizonError && error.code === 'transform') return end('transform_error', error)
      return end(
        'queue_error',
        new BizonError('queue', `Queue could not accept page ${iteration}: ${messageOf(error)}`),
      )
    }
    iteration += 1
    rowsFetched += page.records.length
    if (next === null) return end('success')
    pagination = next
  }
}

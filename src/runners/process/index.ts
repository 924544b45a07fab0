/** The `process` runner: the thread runner with the producer in a Bun Worker (real parallelism). */
import type { LoadedPipeline } from '../../config/types.ts'
import type { RunContext } from '../../engine/context.ts'
import { messageOf } from '../../errors.ts'
import type { EndMessage, Queue } from '../../queues/types.ts'
import { unpack } from './packed.ts'
import type { FromWorker, ToWorker } from './protocol.ts'

/** A producer function for `runThread` that runs the source and transforms in a worker. */
export function produceInWorker(loaded: LoadedPipeline) {
  return (ctx: RunContext, queue: Queue): Promise<EndMessage> =>
    new Promise((resolve) => {
      const worker = new Worker(new URL('./worker.ts', import.meta.url).href)
      const send = (message: ToWorker) => worker.postMessage(message)
      let chain = Promise.resolve()
      let settled = false
      const finish = async (end: EndMessage, put: boolean) => {
        if (settled) return
        settled = true
        if (put) await queue.put(end).catch(() => {})
        worker.terminate()
        resolve(end)
      }
      const onAbort = () => send({ type: 'stop' })
      ctx.signal.addEventListener('abort', onAbort, { once: true })
      worker.onmessage = (event: MessageEvent<FromWorker>) => {
        const message = event.data
        if (message.type === 'message') {
          // Keep the worker's order: each put waits for the previous one.
          chain = chain.then(async () => {
            if (settled) return
            try {
              const { message: next } = message
              if (next.type === 'page' && message.packed) next.prepared = unpack(message.packed)
              if (next.type === 'end' && next.outcome !== 'success' && queue.durable)
                return finish(next, false)
              await queue.put(next)
              if (next.type === 'end') return finish(next, false)
              send({ type: 'credit' })
            } catch (error) {
              send({ type: 'stop' })
              const outcome = ctx.signal.aborted ? 'killed_by_runner' : 'queue_error'
              const iteration = message.message.iteration
              return finish(
                {
                  type: 'end',
                  iteration,
                  outcome,
                  error: `Queue could not accept page ${iteration}: ${messageOf(error)}`,
                },
                false,
              )
            }
          })
        } else if (message.type === 'cursor') {
          chain = chain.then(() => ctx.backend.createSourceCursor(message.cursor).catch(() => {}))
        } else if (message.type === 'pageRead') {
          ctx.observer.pageRead({
            iteration: message.iteration,
            records: message.records,
            bytes: 0,
            ms: message.ms,
          })
        } else if (message.type === 'failed') {
          chain = chain.then(() =>
            finish(
              {
                type: 'end',
                iteration: ctx.plan.start.iteration,
                outcome: 'source_error',
                error: message.error,
              },
              !queue.durable,
            ),
          )
        }
      }
      worker.onerror = (event) => {
        chain = chain.then(() =>
          finish(
            {
              type: 'end',
              iteration: ctx.plan.start.iteration,
              outcome: 'source_error',
              error: `producer worker crashed: ${event.message}`,
            },
            !queue.durable,
          ),
        )
      }
      send({
        type: 'start',
        init: {
          config: ctx.config,
          baseDir: loaded.baseDir,
          customSource: ctx.config.source.source_file_path as string | undefined,
          plan: { job: ctx.plan.job, start: ctx.plan.start, incremental: ctx.plan.incremental },
          syncCursorEvery: ctx.syncCursorEvery,
          secrets: loaded.secrets,
          logLevel: ctx.config.engine.runner.log_level,
          watch: ctx.watchdog?.shared,
          // Conversion goes to the worker only when it has no transforms to run: the two threads then
          // split the work about evenly in both cases.
          prepare: loaded.queue.name === 'memory' && ctx.transforms.length === 0,
        },
      })
    })
}

/** One run of a pipeline: backend → lease → source → job → destination → runner → outcome. */
import { hostname } from 'node:os'
import type { Backend, Job, SyncKey } from '../backends/types.ts'
import type { LoadedPipeline } from '../config/types.ts'
import { BizonError, messageOf } from '../errors.ts'
import type { RunObserver } from '../observe/types.ts'
import type { Destination, Logger, Source } from '../plugin/types.ts'
import type { Queue } from '../queues/types.ts'
import { produceInWorker } from '../runners/process/index.ts'
import { runStream } from '../runners/stream/index.ts'
import { runThread } from '../runners/thread/index.ts'
import { finish } from './consumer.ts'
import type { RunContext, StageStatus } from './context.ts'
import { newId } from './ids.ts'
import { initJob } from './job.ts'
import { compileTransforms } from './transforms.ts'
import { startWatchdog } from './watchdog.ts'

const LEASE_TTL_MS = 30_000
const HEARTBEAT_MS = 10_000

export interface RunResult {
  ok: boolean
  job?: Job
  /** Per side outcome: producer/consumer (thread) or stream. */
  statuses: Record<string, StageStatus>
  /** The first failure, with its stage. */
  error?: unknown
}

export interface RunOptions {
  logger: Logger
  observer: RunObserver
  signal: AbortSignal
}

export function syncKeyOf(loaded: LoadedPipeline): SyncKey {
  return {
    name: loaded.config.name,
    sourceName: loaded.config.source.name,
    streamName: loaded.config.source.stream,
  }
}

export async function openBackend(loaded: LoadedPipeline): Promise<Backend> {
  const backend = await loaded.backend.create(loaded.config.engine.backend.config, {
    baseDir: loaded.baseDir,
  })
  await backend.init()
  return backend
}

export async function runPipeline(loaded: LoadedPipeline, options: RunOptions): Promise<RunResult> {
  const { config } = loaded
  const { logger, observer } = options
  // A lost lease stops the run like a signal does.
  const lost = new AbortController()
  const signal = AbortSignal.any([options.signal, lost.signal])
  const key = syncKeyOf(loaded)
  const closers: (() => Promise<unknown> | undefined)[] = []
  const backend = await openBackend(loaded)
  closers.push(() => backend.close())
  try {
    const holder = `${hostname()}:${process.pid}:${newId().slice(0, 8)}`
    const lease = await backend.acquireLease(key, holder, LEASE_TTL_MS)
    if (!lease.ok) {
      const { host, pid, acquiredAt } = lease.lease
      throw new BizonError(
        'lease',
        `Pipeline "${key.name}" (${key.sourceName}.${key.streamName}) is already running: process ${pid} on host ${host} holds it since ${acquiredAt.toISOString()}.`,
        {
          hint: 'Wait for that run to finish or stop it; a lease whose holder died expires after 30 s.',
        },
      )
    }
    const heartbeat = setInterval(() => {
      backend.renewLease(key, holder).catch((error) => {
        if (!(error instanceof BizonError && error.code === 'lease')) return // transient: retried next beat
        logger.error(`${messageOf(error)} Stopping this run.`)
        lost.abort(error)
      })
    }, HEARTBEAT_MS)
    heartbeat.unref?.()
    closers.unshift(async () => {
      clearInterval(heartbeat)
      await backend.releaseLease(key, holder)
    })

    const syncMode = config.source.sync_mode
    const source: Source = await loaded.source.create(config.source, {
      stream: key.streamName,
      syncMode,
      logger,
      baseDir: loaded.baseDir,
      signal,
    })
    closers.unshift(() => source.close?.())
    const check = await source.check?.()
    if (check && !check.ok)
      throw new BizonError(
        'connection',
        `Error while connecting to source "${config.source.name}": ${check.detail ?? 'check failed'}`,
        {
          hint: 'Check the source settings and that it is reachable.',
        },
      )

    const plan = await initJob(backend, {
      key,
      syncMode,
      forceIgnoreCheckpoint: config.source.force_ignore_checkpoint,
      resetFlag: config.source.reset,
      cursorField: config.source.cursor_field,
      total: async (incremental) => (await source.total?.({ stream: key.streamName, incremental })) ?? null,
      logger,
    })
    const destinationId = config.destination.config.destination_id ?? `${key.sourceName}_${key.streamName}`
    const destination: Destination = await loaded.destination.create(config.destination.config, {
      pipeline: key.name,
      source: key.sourceName,
      stream: key.streamName,
      syncMode: plan.destinationMode,
      destinationId,
      jobId: plan.job.id,
      resuming: plan.resuming,
      recordSchemas: (config.destination.config.record_schemas ?? []) as never,
      unnest: config.destination.config.unnest,
      logger,
      baseDir: loaded.baseDir,
    })
    closers.unshift(() => destination.close?.())
    const destinationCheck = await destination.check?.()
    if (destinationCheck && !destinationCheck.ok)
      throw new BizonError(
        'connection',
        `Error while connecting to destination "${config.destination.name}": ${destinationCheck.detail ?? 'check failed'}`,
      )

    const transforms = compileTransforms(config.transforms)
    const watchdog = transforms.length
      ? startWatchdog(
          transforms.map((t) => t.label),
          config.engine.runner.config.transform_timeout * 1000,
        )
      : undefined
    if (watchdog) closers.unshift(async () => watchdog.stop())
    const ctx: RunContext = {
      key,
      config,
      backend,
      plan,
      logger,
      observer,
      signal,
      destinationName: config.destination.name,
      destinationId,
      source,
      destination,
      transforms,
      watchdog,
      syncCursorEvery: Number(config.engine.backend.config.syncCursorInDBEvery ?? 10) || 10,
    }
    observer.jobStarted(plan.job, {
      pipeline: key.name,
      source: key.sourceName,
      stream: key.streamName,
      destination: config.destination.name,
      syncMode,
      total: plan.job.totalRecordsToFetch,
      resumedRecords: plan.start.rowsWritten,
      redactedConfig: loaded.redacted,
    })

    const result = await execute(ctx, loaded, plan.finishOnly)
    const job = (await backend.getJob(plan.job.id)) ?? plan.job
    if (!result.ok) {
      const message = messageOf(result.error ?? 'stopped')
      await backend
        .updateJob(plan.job.id, { errorMessage: `${failedStage(result.statuses)}: ${message}`.slice(0, 250) })
        .catch(() => {})
    }
    observer.jobEnded({
      status: result.ok ? 'succeeded' : signal.aborted ? 'stopped' : 'failed',
      message: result.ok ? undefined : messageOf(result.error ?? 'stopped'),
      job,
    })
    return { ...result, job }
  } finally {
    for (const close of closers) await Promise.resolve(close()).catch(() => {})
  }
}

async function execute(
  ctx: RunContext,
  loaded: LoadedPipeline,
  finishOnly: boolean,
): Promise<Omit<RunResult, 'job'>> {
  if (finishOnly) {
    await finish(ctx)
    return { ok: true, statuses: { producer: 'success', consumer: 'success' } }
  }
  if (ctx.config.source.sync_mode === 'stream') {
    const stream = await runStream(ctx)
    return { ok: stream.status === 'success', statuses: { stream: stream.status }, error: stream.error }
  }
  const { config } = ctx
  const queue: Queue = await loaded.queue.create(config.engine.queue.config, {
    pipeline: ctx.key.name,
    source: ctx.key.sourceName,
    stream: ctx.key.streamName,
    jobId: ctx.plan.job.id,
    logger: ctx.logger,
    signal: ctx.signal,
  })
  try {
    await queue.connect()
    const producer$ = config.engine.runner.type === 'process' ? produceInWorker(loaded) : undefined
    const { producer, consumer } = await runThread(ctx, queue, producer$)
    const ok = producer.outcome === 'success' && consumer.status === 'success' && consumer.finished
    const error =
      consumer.status !== 'success' ? consumer.error : producer.error ? new Error(producer.error) : undefined
    return { ok, statuses: { producer: producer.outcome, consumer: consumer.status }, error }
  } finally {
    await queue.close().catch(() => {})
  }
}

function failedStage(statuses: Record<string, StageStatus>): string {
  const failed = Object.values(statuses).find((s) => s !== 'success')
  return failed?.replace(/_error$/, '') ?? 'run'
}

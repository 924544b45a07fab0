/** One run of a pipeline: backend → lease → source → job → destination → runner → outcome. */
import type { Backend, Job, SyncKey } from '../backends/types.ts'
import type { LoadedPipeline } from '../config/types.ts'
import { BizonError, messageOf } from '../errors.ts'
import type { RunObserver } from '../observe/types.ts'
import type { Destination, Logger, Source } from '../plugin/types.ts'
import type { Queue } from '../queues/types.ts'
import { produceInWorker } from '../runners/process/index.ts'
import { runStream } from '../runners/stream/index.ts'
import { runThread } from '../runners/thread/index.ts'
import { consume, finish } from './consumer.ts'
import type { RunContext, StageStatus } from './context.ts'
import { attachToRunningJob, initJob, type JobPlan } from './job.ts'
import { takeLease } from './lease.ts'
import { produce } from './producer.ts'
import { compileTransforms } from './transforms.ts'
import { startWatchdog } from './watchdog.ts'

/** `all` runs both sides; `producer` and `consumer` run one side each, sharing a durable queue. */
export type Role = 'all' | 'producer' | 'consumer'

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
  role?: Role
}

type Closer = () => Promise<unknown> | undefined

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
  const role = options.role ?? 'all'
  // A lost lease stops the run like a signal does.
  const lost = new AbortController()
  const signal = AbortSignal.any([options.signal, lost.signal])
  const key = syncKeyOf(loaded)
  const closers: Closer[] = []
  const backend = await openBackend(loaded)
  closers.push(() => backend.close())
  try {
    closers.unshift(await takeLease(backend, key, role, logger, lost))
    const syncMode = config.source.sync_mode
    let source: Source | undefined
    let plan: JobPlan
    if (role === 'consumer') {
      plan = await attachToRunningJob(backend, key, syncMode, logger, signal)
    } else {
      source = await openSource(loaded, key, logger, signal, closers)
      const opened = source
      plan = await initJob(backend, {
        key,
        syncMode,
        forceIgnoreCheckpoint: config.source.force_ignore_checkpoint,
        resetFlag: config.source.reset,
        cursorField: config.source.cursor_field,
        total: async (incremental) => (await opened.total?.({ stream: key.streamName, incremental })) ?? null,
        logger,
      })
    }
    const destinationId = config.destination.config.destination_id ?? `${key.sourceName}_${key.streamName}`
    const destination =
      role === 'producer'
        ? undefined
        : await openDestination(loaded, key, plan, destinationId, logger, closers)
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
      source: source as Source,
      destination: destination as Destination,
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

    const result = await execute(ctx, loaded, role)
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

async function openSource(
  loaded: LoadedPipeline,
  key: SyncKey,
  logger: Logger,
  signal: AbortSignal,
  closers: Closer[],
): Promise<Source> {
  const { config } = loaded
  const source = await loaded.source.create(config.source, {
    stream: key.streamName,
    syncMode: config.source.sync_mode,
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
      { hint: 'Check the source settings and that it is reachable.' },
    )
  return source
}

async function openDestination(
  loaded: LoadedPipeline,
  key: SyncKey,
  plan: JobPlan,
  destinationId: string,
  logger: Logger,
  closers: Closer[],
): Promise<Destination> {
  const { config } = loaded
  const destination = await loaded.destination.create(config.destination.config, {
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
  const check = await destination.check?.()
  if (check && !check.ok)
    throw new BizonError(
      'connection',
      `Error while connecting to destination "${config.destination.name}": ${check.detail ?? 'check failed'}`,
    )
  return destination
}

async function execute(ctx: RunContext, loaded: LoadedPipeline, role: Role): Promise<Omit<RunResult, 'job'>> {
  if (ctx.plan.finishOnly) {
    if (role !== 'producer') await finish(ctx)
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
    if (role === 'producer') {
      const end = await produce(ctx, queue)
      return {
        ok: end.outcome === 'success',
        statuses: { producer: end.outcome },
        error: end.error ? new Error(end.error) : undefined,
      }
    }
    if (role === 'consumer') {
      const consumer = await consume(ctx, queue)
      const producer = consumer.end?.outcome ?? 'killed_by_runner'
      const ok = consumer.status === 'success' && consumer.finished
      const error =
        consumer.error ?? (consumer.end?.error ? new Error(`producer: ${consumer.end.error}`) : undefined)
      return { ok, statuses: { producer, consumer: consumer.status }, error }
    }
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

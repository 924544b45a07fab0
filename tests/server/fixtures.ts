/** State for status-server tests: a real sqlite backend holding finished, failed and running syncs. */
import { join } from 'node:path'
import { findBackend } from '../../src/backends/index.ts'
import type { Backend, Job, SyncKey } from '../../src/backends/types.ts'
import type { RunInfo, RunObserver } from '../../src/observe/types.ts'
import type { SyncMode } from '../../src/plugin/types.ts'

export async function openBackend(dir: string): Promise<Backend> {
  const backend = await findBackend('sqlite')!.create({ database: join(dir, 'state') }, { baseDir: dir })
  await backend.init()
  return backend
}

export const key = (name: string, sourceName = 'dummy', streamName = 'creatures'): SyncKey => ({
  name,
  sourceName,
  streamName,
})

/** Writes a job with one destination cursor per batch, as a run of the engine would. */
export async function seedJob(
  backend: Backend,
  sync: SyncKey,
  options: {
    batches: number[]
    syncMode?: SyncMode
    end?: 'succeeded' | 'failed' | 'running'
    error?: string
    total?: number
  },
): Promise<Job> {
  const job = await backend.createJob(sync, {
    syncMode: options.syncMode ?? 'full_refresh',
    totalRecordsToFetch: options.total ?? null,
    status: 'running',
  })
  let iteration = 0
  for (const rows of options.batches) {
    await backend.createDestinationCursor({
      ...sync,
      jobId: job.id,
      destinationName: 'file',
      fromSourceIteration: iteration,
      toSourceIteration: iteration,
      rowsWritten: rows,
      success: true,
      pagination: { page: iteration + 1 },
    })
    iteration++
  }
  if (options.end === 'succeeded') await backend.updateJob(job.id, { status: 'succeeded' })
  if (options.end === 'failed')
    await backend.updateJob(job.id, { errorMessage: options.error ?? 'destination: disk full' })
  return (await backend.getJob(job.id))!
}

/** Drives a run the way the engine does: backend rows first, then the observer event. */
export class ScriptedRun {
  job!: Job
  iteration = 0
  constructor(
    readonly backend: Backend,
    readonly observer: RunObserver,
    readonly info: RunInfo,
  ) {}

  async start(): Promise<this> {
    const sync = key(this.info.pipeline, this.info.source, this.info.stream)
    this.job = await this.backend.createJob(sync, {
      syncMode: this.info.syncMode,
      totalRecordsToFetch: this.info.total,
      status: 'running',
    })
    this.observer.jobStarted(this.job, this.info)
    return this
  }

  async batch(
    records: number,
    gauges = { queueDepth: 3, bufferBytes: 4096, bufferRecords: 20 },
  ): Promise<void> {
    this.observer.pageRead({ iteration: this.iteration, records, bytes: records * 200, ms: 12 })
    await this.backend.createDestinationCursor({
      name: this.job.name,
      sourceName: this.job.sourceName,
      streamName: this.job.streamName,
      jobId: this.job.id,
      destinationName: this.info.destination,
      fromSourceIteration: this.iteration,
      toSourceIteration: this.iteration,
      rowsWritten: records,
      success: true,
      pagination: { page: this.iteration + 1 },
    })
    this.observer.batchWritten({
      fromIteration: this.iteration,
      toIteration: this.iteration,
      records,
      bytes: records * 200,
      ms: 30,
      destinationId: `${this.info.source}_${this.info.stream}`,
    })
    this.observer.gauges(gauges)
    this.iteration++
  }

  async succeed(): Promise<void> {
    await this.backend.updateJob(this.job.id, { status: 'succeeded' })
    this.observer.jobEnded({ status: 'succeeded', job: (await this.backend.getJob(this.job.id))! })
  }

  async fail(stage: 'destination' | 'source', message: string): Promise<void> {
    this.observer.error({ stage, message })
    await this.backend.updateJob(this.job.id, { errorMessage: `${stage}: ${message}` })
    this.observer.jobEnded({ status: 'failed', message, job: (await this.backend.getJob(this.job.id))! })
  }
}

export function runInfo(pipeline: string, extra: Partial<RunInfo> = {}): RunInfo {
  return {
    pipeline,
    source: 'dummy',
    stream: 'creatures',
    destination: 'file',
    syncMode: 'full_refresh',
    total: null,
    resumedRecords: 0,
    redactedConfig: {
      name: pipeline,
      source: {
        name: 'dummy',
        stream: 'creatures',
        authentication: { params: { token: 'env://DUMMY_TOKEN' } },
      },
      destination: { name: 'file', config: { buffer_size: 1 } },
    },
    ...extra,
  }
}

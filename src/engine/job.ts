/** `init_job` (reference §4.2–4.3): reset resolution, resume or restart, and the resume point. */
import type { Backend, Job, SyncKey } from '../backends/types.ts'
import { BizonError } from '../errors.ts'
import type { IncrementalInfo, Logger, Pagination, SyncMode } from '../plugin/types.ts'

export interface JobPlan {
  job: Job
  /** The destination materialises this mode (`full_refresh` for resets). */
  destinationMode: SyncMode
  isReset: boolean
  /** The job already has a committed destination cursor. */
  resuming: boolean
  /** The job's data is all written; only finalize and marking succeeded are left (decision 4). */
  finishOnly: boolean
  start: { iteration: number; pagination: Pagination; rowsWritten: number }
  incremental?: IncrementalInfo
}

export interface JobOptions {
  key: SyncKey
  syncMode: SyncMode
  forceIgnoreCheckpoint: boolean
  resetFlag: boolean
  cursorField?: string
  total: (incremental: IncrementalInfo | undefined) => Promise<number | null>
  logger: Logger
}

export async function initJob(backend: Backend, options: JobOptions): Promise<JobPlan> {
  const { key, syncMode, logger } = options
  const running = await backend.getRunningJob(key)
  const boundReset = running ? await backend.getResetByJob(running.id) : null
  const resumingReset = !!boundReset

  let isReset = false
  if (syncMode !== 'incremental') {
    if (options.resetFlag)
      logger.warn(
        `source.reset is set but sync_mode is ${syncMode}, there is no incremental state to reset - ignoring.`,
      )
  } else if (resumingReset) isReset = true
  else if (await backend.getPendingReset(key)) isReset = true
  else isReset = options.resetFlag

  const forceCreate = options.forceIgnoreCheckpoint || (isReset && !resumingReset)
  let job: Job | null = null
  let last = running ? await backend.getLastDestinationCursor(running.id) : null

  // Stream sources keep their own position, so an exhausted stream job simply reads again.
  const exhausted = (cursor: typeof last) => !!cursor && cursor.pagination === null && syncMode !== 'stream'
  if (running && !forceCreate && exhausted(last)) {
    logger.info(`Job ${running.id} wrote every record before it stopped; finishing it.`)
    job = running
  } else if (running && (forceCreate || syncMode === 'full_refresh')) {
    await backend.updateJob(running.id, { status: 'cancelled' })
    logger.info(
      `Cancelled job ${running.id} (${forceCreate ? 'fresh start requested' : 'a full refresh restarts from scratch'}).`,
    )
    last = null
  } else if (running) {
    job = running
    logger.info(
      last
        ? `Resuming job ${running.id} after iteration ${last.toSourceIteration}.`
        : `Resuming job ${running.id} from the start.`,
    )
  }
  let incremental: IncrementalInfo | undefined
  if (syncMode === 'incremental' && !isReset) {
    const previous = await backend.getLastSucceededJob(key)
    if (previous)
      incremental = {
        lastRun: previous.createdAt,
        state: previous.incrementalState ?? undefined,
        cursorField: options.cursorField,
      }
    else logger.info('First incremental run: fetching everything.')
  } else if (isReset) logger.info(`Resetting ${key.sourceName}.${key.streamName}: refetching everything.`)

  if (!job) {
    const total = syncMode === 'stream' ? null : await options.total(incremental)
    job = await backend.createJob(key, { syncMode, totalRecordsToFetch: total ?? null })
  }

  if (isReset && !boundReset) {
    const pending = (await backend.getPendingReset(key)) ?? (await backend.createReset(key))
    await backend.consumeReset(pending.id, job.id)
  }
  // A resumed job was left running with the last failure's reason: this run clears it.
  await backend.updateJob(job.id, { status: 'running', errorMessage: null })

  const rowsWritten = last ? await backend.getRowsWritten(job.id) : 0
  return {
    job,
    destinationMode: isReset ? 'full_refresh' : syncMode,
    isReset,
    resuming: !!last,
    finishOnly: exhausted(last),
    start: last
      ? { iteration: last.toSourceIteration + 1, pagination: last.pagination ?? {}, rowsWritten }
      : { iteration: 0, pagination: {}, rowsWritten: 0 },
    incremental,
  }
}

const ATTACH_WAIT_MS = 60_000

/**
 * `--role consumer`: joins the job the producer runs (never creates or cancels one), and resumes
 * after its last committed destination cursor.
 */
export async function attachToRunningJob(
  backend: Backend,
  key: SyncKey,
  syncMode: SyncMode,
  logger: Logger,
  signal: AbortSignal,
): Promise<JobPlan> {
  const deadline = Date.now() + ATTACH_WAIT_MS
  let job = await backend.getRunningJob(key)
  if (!job) logger.info(`Waiting for the producer to start a job for ${key.sourceName}.${key.streamName}...`)
  while (!job && Date.now() < deadline && !signal.aborted) {
    await Bun.sleep(500)
    job = await backend.getRunningJob(key)
  }
  if (!job)
    throw new BizonError(
      'usage',
      `No running job for ${key.name} (${key.sourceName}.${key.streamName}) after ${ATTACH_WAIT_MS / 1000} s.`,
      {
        hint: 'Start the producer (`bizon run FILE --role producer`) with the same backend.',
      },
    )
  const last = await backend.getLastDestinationCursor(job.id)
  const isReset = !!(await backend.getResetByJob(job.id))
  await backend.updateJob(job.id, { errorMessage: null })
  logger.info(
    last ? `Consuming job ${job.id} after iteration ${last.toSourceIteration}.` : `Consuming job ${job.id}.`,
  )
  return {
    job,
    destinationMode: isReset ? 'full_refresh' : syncMode,
    isReset,
    resuming: !!last,
    finishOnly: !!last && last.pagination === null && syncMode !== 'stream',
    start: last
      ? {
          iteration: last.toSourceIteration + 1,
          pagination: last.pagination ?? {},
          rowsWritten: await backend.getRowsWritten(job.id),
        }
      : { iteration: 0, pagination: {}, rowsWritten: 0 },
  }
}

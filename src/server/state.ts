/** What the status server shows, read from the backend and the live runs of this process. */
import type { Backend, DestinationCursor, Job, SyncKey } from '../backends/types.ts'
import { type ShownStatus, shownStatus } from '../observe/metrics.ts'
import type { Stage } from '../observe/types.ts'
import { type LiveRun, type LiveRuns, sameSync } from './live.ts'

export interface PipelineSummary {
  /** Opaque id of the sync in URLs. */
  key: string
  name: string
  source: string
  stream: string
  destination: string | null
  syncMode: Job['syncMode']
  status: ShownStatus
  live: boolean
  jobId: string
  attempt: number
  startedAt: string
  updatedAt: string | null
  error: { stage: Stage | null; message: string } | null
  /** Records written by the last job. */
  records: number
  total: number | null
  /** Records per second: recent rate of a live run, else the last job's average. */
  rate: number | null
  lastSuccessAt: string | null
  /** Seconds since the last success ended. */
  lagSeconds: number | null
}

const STAGES: Stage[] = ['config', 'source', 'transform', 'destination', 'queue', 'backend', 'finalize']
const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null)

export const syncKeyId = (k: SyncKey) =>
  Buffer.from(JSON.stringify([k.name, k.sourceName, k.streamName])).toString('base64url')

export function parseSyncKeyId(id: string): SyncKey | null {
  try {
    const [name, sourceName, streamName] = JSON.parse(Buffer.from(id, 'base64url').toString('utf8'))
    if ([name, sourceName, streamName].every((s) => typeof s === 'string'))
      return { name, sourceName, streamName }
  } catch {}
  return null
}

const STAGE_PREFIX = /^\s*\[?([a-z]+)\]?\s*(?:stage)?\s*[:\-—]\s*/i

/** The stage named at the start of a stored error message (`destination: ...`), when there is one. */
export function stageOf(message: string): Stage | null {
  const match = STAGE_PREFIX.exec(message)
  const word = match?.[1]?.toLowerCase() as Stage | undefined
  return word && STAGES.includes(word) ? word : null
}

/** Records per second over the last ~10 s while running; the run's average once it ended. */
export function liveRate(run: LiveRun, now = Date.now()): number {
  if (run.endedAt !== null) {
    const seconds = (run.endedAt - run.startedAt) / 1000
    return seconds > 0 ? run.written / seconds : 0
  }
  let base = { t: run.startedAt, written: 0 }
  for (let i = run.samples.length - 1; i >= 0; i--) {
    const sample = run.samples[i]!
    if (now - sample.t >= 10_000) {
      base = sample
      break
    }
  }
  const span = (now - base.t) / 1000
  return span > 0 ? (run.written - base.written) / span : 0
}

/**
 * Another process resumed a failed job when a batch was written after the error was stored: the
 * job is running again, not failed.
 */
export function resumedSince(job: Job, last: DestinationCursor | null | undefined): boolean {
  return Boolean(
    job.status === 'running' && job.errorMessage && job.updatedAt && last && last.createdAt > job.updatedAt,
  )
}

export function errorOf(job: Job, live: LiveRun | undefined, resumed = false): PipelineSummary['error'] {
  if (resumed) return null
  if (live?.error) return { stage: live.error.stage, message: live.error.message }
  if (job.errorMessage && job.status !== 'succeeded') {
    const stage = stageOf(job.errorMessage)
    return { stage, message: stage ? job.errorMessage.replace(STAGE_PREFIX, '') : job.errorMessage }
  }
  return null
}

export function liveStatus(run: LiveRun): ShownStatus {
  return run.status === 'running' ? 'running' : run.status
}

export async function listPipelines(
  backend: Backend,
  live?: LiveRuns,
  now = Date.now(),
  only?: SyncKey,
): Promise<PipelineSummary[]> {
  const latest = new Map<string, Job>()
  for (const job of await backend.listJobs(only ? { key: only, limit: 1 } : undefined)) {
    const id = syncKeyId(job)
    if (!latest.has(id)) latest.set(id, job)
  }
  // a live run whose job the backend does not list (another backend, or not flushed yet) still shows
  for (const run of live?.list() ?? []) {
    if (only && !sameSync(run.job, only)) continue
    const id = syncKeyId(run.job)
    const known = latest.get(id)
    if (!known || known.createdAt < run.job.createdAt) latest.set(id, run.job)
  }
  const out: PipelineSummary[] = []
  for (const [key, stored] of latest) {
    const run = live?.get(stored.id)
    const job = stored
    const [rows, cursor, success] = await Promise.all([
      run ? Promise.resolve(run.info.resumedRecords + run.written) : backend.getRowsWritten(job.id),
      run ? Promise.resolve(null) : backend.getLastDestinationCursor(job.id),
      job.status === 'succeeded' ? Promise.resolve(job) : backend.getLastSucceededJob(job),
    ])
    const successAt = success ? (success.updatedAt ?? success.createdAt) : null
    const end = job.updatedAt ?? (cursor ? cursor.createdAt : null)
    const seconds = end ? (end.getTime() - job.createdAt.getTime()) / 1000 : 0
    out.push({
      key,
      name: job.name,
      source: job.sourceName,
      stream: job.streamName,
      destination: run?.info.destination ?? cursor?.destinationName ?? null,
      syncMode: job.syncMode,
      status: run ? liveStatus(run) : shownStatus(job, resumedSince(job, cursor)),
      live: run?.status === 'running',
      jobId: job.id,
      attempt: job.attempt,
      startedAt: job.createdAt.toISOString(),
      updatedAt: iso(job.updatedAt),
      error: errorOf(job, run, resumedSince(job, cursor)),
      records: rows,
      total: run?.info.total ?? job.totalRecordsToFetch,
      rate: run ? liveRate(run) : seconds > 0 ? rows / seconds : null,
      lastSuccessAt: iso(successAt),
      lagSeconds: successAt ? Math.max(0, (now - successAt.getTime()) / 1000) : null,
    })
  }
  return out.sort((a, b) => a.name.localeCompare(b.name) || a.stream.localeCompare(b.stream))
}

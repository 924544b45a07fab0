/** The job page's data: status, cursors, timeline and live gauges of one job. */
import type { Backend, DestinationCursor, Job } from '../backends/types.ts'
import { type ShownStatus, shownStatus } from '../observe/metrics.ts'
import type { LiveRun, LiveRuns } from './live.ts'
import { errorOf, listPipelines, liveRate, liveStatus, type PipelineSummary, resumedSince } from './state.ts'

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null)

export interface TimelineEntry {
  at: string
  label: string
  status?: ShownStatus
}

export interface JobDetail {
  pipeline: PipelineSummary | null
  job: Omit<Job, 'createdAt' | 'updatedAt'> & {
    createdAt: string
    updatedAt: string | null
    shownStatus: ShownStatus
  }
  error: PipelineSummary['error']
  rowsWritten: number
  total: number | null
  /** The newest cursors (at most 100) and how many there are in all. */
  cursors: (Omit<DestinationCursor, 'createdAt'> & { createdAt: string })[]
  cursorCount: number
  /** Records written over time, `[ms, cumulative records]`, at most ~300 points. */
  progress: [number, number][]
  timeline: TimelineEntry[]
  live: {
    status: LiveRun['status']
    read: number
    written: number
    resumedRecords: number
    iterations: number
    batches: number
    queueDepth: number | null
    bufferBytes: number
    bufferRecords: number
    /** `destination.buffer_size` in bytes when the config says it. */
    bufferCapacity: number | null
    rate: number
    samples: LiveRun['samples']
  } | null
  /** The config as written (references unresolved), live runs only. */
  config: unknown
}

function bufferCapacity(config: unknown): number | null {
  // destination.config.buffer_size is in MB (default 50; 0 writes every batch at once)
  const destination = (config as { destination?: { config?: { buffer_size?: unknown } } } | null)?.destination
  if (!destination) return null
  const size = destination.config?.buffer_size ?? 50
  return typeof size === 'number' && size > 0 ? size * 1024 * 1024 : null
}

/** Cumulative records per cursor, thinned to about `max` points so a long job stays a small answer. */
function progressPoints(start: Date, cursors: DestinationCursor[], max = 300): [number, number][] {
  if (cursors.length === 0) return []
  const points: [number, number][] = [[start.getTime(), 0]]
  const step = Math.max(1, Math.ceil(cursors.length / max))
  let total = 0
  cursors.forEach((c, i) => {
    total += c.rowsWritten
    if (i % step === step - 1 || i === cursors.length - 1) points.push([c.createdAt.getTime(), total])
  })
  return points
}

export async function jobDetail(backend: Backend, jobId: string, live?: LiveRuns): Promise<JobDetail | null> {
  const run = live?.get(jobId)
  const stored = await backend.getJob(jobId)
  const job = stored ?? run?.job
  if (!job) return null
  const cursors = await backend.listDestinationCursors(jobId)
  const rowsWritten = cursors.filter((c) => c.success).reduce((sum, c) => sum + c.rowsWritten, 0)
  const resumed = resumedSince(job, cursors.filter((c) => c.success).at(-1))
  const status = run ? liveStatus(run) : shownStatus(job, resumed)
  const timeline: TimelineEntry[] = [
    { at: job.createdAt.toISOString(), label: 'Job created', status: 'started' },
  ]
  const liveEntries = (kind: 'started' | 'error') => {
    for (const event of run?.events ?? []) {
      if (event.kind !== kind) continue
      const label = kind === 'error' ? `Error in ${event.stage}: ${event.text}` : event.text
      timeline.push({
        at: new Date(event.at).toISOString(),
        label,
        status: kind === 'error' ? 'failed' : 'running',
      })
    }
  }
  // pushed in causal order: the stable sort keeps it for entries of the same millisecond
  liveEntries('started')
  const written = cursors.filter((c) => c.success)
  const first = written[0]
  if (first) {
    const label = `First batch written (${first.rowsWritten} records)`
    timeline.push({ at: first.createdAt.toISOString(), label, status: 'running' })
  }
  const lastCursor = written[written.length - 1]
  if (written.length > 1 && lastCursor) {
    timeline.push({
      at: lastCursor.createdAt.toISOString(),
      label: `Batch ${written.length} written (iteration ${lastCursor.toSourceIteration}, ${rowsWritten} records in all)`,
      status: 'running',
    })
  }
  liveEntries('error')
  if (status !== 'running' && status !== 'started') {
    const at = run?.endedAt ? new Date(run.endedAt) : (job.updatedAt ?? job.createdAt)
    const label = { succeeded: 'Succeeded', failed: 'Failed', cancelled: 'Cancelled', stopped: 'Stopped' }[
      status
    ]
    timeline.push({ at: at.toISOString(), label, status })
  }
  timeline.sort((a, b) => a.at.localeCompare(b.at))
  const [pipeline] = await listPipelines(backend, live, Date.now(), job)
  const { createdAt, updatedAt, ...rest } = job
  return {
    pipeline: pipeline ?? null,
    job: { ...rest, createdAt: createdAt.toISOString(), updatedAt: iso(updatedAt), shownStatus: status },
    error: errorOf(job, run, resumed),
    rowsWritten: run ? Math.max(rowsWritten, run.info.resumedRecords + run.written) : rowsWritten,
    total: run?.info.total ?? job.totalRecordsToFetch,
    cursors: cursors.slice(-100).map((c) => ({ ...c, createdAt: c.createdAt.toISOString() })),
    cursorCount: cursors.length,
    progress: progressPoints(job.createdAt, written),
    timeline,
    live: run
      ? {
          status: run.status,
          read: run.read,
          written: run.written,
          resumedRecords: run.info.resumedRecords,
          iterations: run.iterations,
          batches: run.batches,
          queueDepth: run.queueDepth,
          bufferBytes: run.bufferBytes,
          bufferRecords: run.bufferRecords,
          bufferCapacity: bufferCapacity(run.info.redactedConfig),
          rate: liveRate(run),
          samples: run.samples,
        }
      : null,
    config: run?.info.redactedConfig ?? null,
  }
}

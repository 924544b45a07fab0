/** Live state of the runs of this process, fed by run events, read by the status server. */
import type { Job, SyncKey } from '../backends/types.ts'
import { createRunMetrics, MetricsRegistry } from '../observe/metrics.ts'
import type { RunInfo, RunObserver, Stage } from '../observe/types.ts'

export interface LiveSample {
  /** ms since epoch */
  t: number
  read: number
  written: number
  queueDepth: number | null
  bufferBytes: number
  bufferRecords: number
}

export interface LiveEvent {
  at: number
  kind: 'started' | 'error' | 'ended'
  text: string
  stage?: Stage
}

export interface LiveRun {
  job: Job
  info: RunInfo
  startedAt: number
  endedAt: number | null
  status: 'running' | 'succeeded' | 'failed' | 'stopped'
  read: number
  /** Written by this run (the job's earlier attempts are in `info.resumedRecords`). */
  written: number
  iterations: number
  batches: number
  queueDepth: number | null
  bufferBytes: number
  bufferRecords: number
  error: { stage: Stage; message: string; at: number } | null
  samples: LiveSample[]
  events: LiveEvent[]
}

const SAMPLE_MS = 1000
const MAX_SAMPLES = 900
const NOTIFY_MS = 500
const MAX_EVENTS = 200

export const sameSync = (a: SyncKey, b: SyncKey) =>
  a.name === b.name && a.sourceName === b.sourceName && a.streamName === b.streamName

/** The runs of this process: one observer per run, a shared metrics registry, change notifications. */
export class LiveRuns {
  readonly metrics = new MetricsRegistry()
  private readonly runs = new Map<string, LiveRun>()
  private readonly listeners = new Set<() => void>()
  private notifyTimer: ReturnType<typeof setTimeout> | null = null

  constructor(private readonly now: () => number = Date.now) {}

  list(): LiveRun[] {
    return [...this.runs.values()]
  }

  get(jobId: string): LiveRun | undefined {
    return this.runs.get(jobId)
  }

  /** The newest run of a sync in this process. */
  forSync(key: SyncKey): LiveRun | undefined {
    return this.list()
      .filter((run) => sameSync(run.job, key))
      .sort((a, b) => b.startedAt - a.startedAt)[0]
  }

  /** Called (throttled) whenever a run changes. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  private changed(): void {
    if (this.notifyTimer) return
    this.notifyTimer = setTimeout(() => {
      this.notifyTimer = null
      for (const listener of this.listeners) {
        try {
          listener()
        } catch {
          // a broken listener (closed connection) must not stop the others
        }
      }
    }, NOTIFY_MS)
    this.notifyTimer.unref?.()
  }

  /** A RunObserver recording one run (create one per run). */
  observer(): RunObserver {
    const metrics = createRunMetrics(this.metrics, this.now)
    let run: LiveRun | null = null
    const sample = (force = false) => {
      if (!run) return
      const t = this.now()
      const last = run.samples[run.samples.length - 1]
      if (!force && last && t - last.t < SAMPLE_MS) return
      const { read, written, queueDepth, bufferBytes, bufferRecords } = run
      run.samples.push({ t, read, written, queueDepth, bufferBytes, bufferRecords })
      if (run.samples.length > MAX_SAMPLES) run.samples.splice(0, run.samples.length - MAX_SAMPLES)
      this.changed()
    }
    return {
      jobStarted: (job, info) => {
        metrics.jobStarted(job, info)
        const startedAt = this.now()
        run = {
          job,
          info,
          startedAt,
          endedAt: null,
          status: 'running',
          read: 0,
          written: 0,
          iterations: 0,
          batches: 0,
          queueDepth: null,
          bufferBytes: 0,
          bufferRecords: 0,
          error: null,
          samples: [],
          events: [{ at: startedAt, kind: 'started', text: 'Run started in this process' }],
        }
        this.runs.set(job.id, run)
        sample(true)
      },
      pageRead: (e) => {
        metrics.pageRead(e)
        if (!run) return
        run.read += e.records
        run.iterations += 1
        sample()
      },
      batchWritten: (e) => {
        metrics.batchWritten(e)
        if (!run) return
        run.written += e.records
        run.batches += 1
        sample()
      },
      gauges: (e) => {
        metrics.gauges(e)
        if (!run) return
        run.queueDepth = e.queueDepth
        run.bufferBytes = e.bufferBytes
        run.bufferRecords = e.bufferRecords
        sample()
      },
      error: (e) => {
        metrics.error(e)
        if (!run) return
        const at = this.now()
        run.error = { stage: e.stage, message: e.message, at }
        run.events.push({ at, kind: 'error', text: e.message, stage: e.stage })
        if (run.events.length > MAX_EVENTS) run.events.splice(1, run.events.length - MAX_EVENTS)
        this.changed()
      },
      jobEnded: (e) => {
        metrics.jobEnded(e)
        if (!run) return
        run.status = e.status
        run.endedAt = this.now()
        run.job = e.job
        const text =
          e.status === 'succeeded' ? 'Run succeeded' : e.status === 'stopped' ? 'Run stopped' : 'Run failed'
        run.events.push({ at: run.endedAt, kind: 'ended', text: e.message ? `${text}: ${e.message}` : text })
        sample(true)
      },
    }
  }
}

/** What a run reports as it goes: the engine calls these; progress, metrics, status and alerts listen. */
import type { Job } from '../backends/types.ts'
import type { SyncMode } from '../plugin/types.ts'

export type Stage = 'config' | 'source' | 'transform' | 'destination' | 'queue' | 'backend' | 'finalize'

export interface RunInfo {
  pipeline: string
  source: string
  stream: string
  destination: string
  syncMode: SyncMode
  /** The job's expected record count when the source knows it. */
  total: number | null
  /** Records already written by an earlier attempt of a resumed job. */
  resumedRecords: number
  /** The config as written (references unresolved): safe to show. */
  redactedConfig: unknown
}

/** Events of one run. Every method must be cheap and must never throw into the engine. */
export interface RunObserver {
  jobStarted(job: Job, info: RunInfo): void
  /** A page came back from the source. */
  pageRead(event: { iteration: number; records: number; bytes: number; ms: number }): void
  /** A buffer was written and its destination cursor committed. */
  batchWritten(event: {
    fromIteration: number
    toIteration: number
    records: number
    bytes: number
    ms: number
    destinationId: string
  }): void
  /** Sampled gauges of a live run. */
  gauges(event: { queueDepth: number | null; bufferBytes: number; bufferRecords: number }): void
  error(event: { stage: Stage; message: string }): void
  /** The job reached its end for this run: succeeded, or left running/failed with an error. */
  jobEnded(event: { status: 'succeeded' | 'failed' | 'stopped'; message?: string; job: Job }): void
}

/** Fans events out to many observers, isolating their failures. */
export function combineObservers(observers: RunObserver[]): RunObserver {
  const call = <K extends keyof RunObserver>(name: K, args: Parameters<RunObserver[K]>) => {
    for (const observer of observers) {
      try {
        ;(observer[name] as (...a: unknown[]) => void)(...args)
      } catch {
        // an observer must never break the run
      }
    }
  }
  return {
    jobStarted: (...args) => call('jobStarted', args),
    pageRead: (...args) => call('pageRead', args),
    batchWritten: (...args) => call('batchWritten', args),
    gauges: (...args) => call('gauges', args),
    error: (...args) => call('error', args),
    jobEnded: (...args) => call('jobEnded', args),
  }
}

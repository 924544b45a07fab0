/** The state store contract (reference §5): jobs, cursors, resets and the run lease. */
import type { Pagination, SyncMode } from '../plugin/types.ts'

export type JobStatus = 'started' | 'running' | 'cancelled' | 'succeeded' | 'failed'

/** Identifies a sync: pipeline `name`, `source.name`, `source.stream`. */
export interface SyncKey {
  name: string
  sourceName: string
  streamName: string
}

export interface Job extends SyncKey {
  id: string
  syncMode: SyncMode
  attempt: number
  totalRecordsToFetch: number | null
  createdAt: Date
  updatedAt: Date | null
  incrementalState: unknown
  status: JobStatus
  errorMessage: string | null
}

export interface SourceCursorInput extends SyncKey {
  jobId: string
  iteration: number
  rowsFetched: number
  /** The pagination used for this iteration (`{}` at iteration 0). */
  pagination: Pagination
}

export interface DestinationCursor extends SyncKey {
  id: string
  jobId: string
  destinationName: string
  fromSourceIteration: number
  toSourceIteration: number
  rowsWritten: number
  success: boolean
  /** Pagination after `toSourceIteration`; null when the source was exhausted. */
  pagination: Pagination | null
  createdAt: Date
}

export type DestinationCursorInput = Omit<DestinationCursor, 'id' | 'createdAt'>

export interface StreamReset extends SyncKey {
  id: string
  requestedAt: Date
  consumedAt: Date | null
  consumedByJobId: string | null
}

export interface Lease extends SyncKey {
  holder: string
  host: string
  pid: number
  acquiredAt: Date
  heartbeatAt: Date
}

export type LeaseResult = { ok: true } | { ok: false; lease: Lease }

export interface Backend {
  readonly type: string
  /** Creates the tables if missing; safe when many processes do it at once. */
  init(): Promise<void>
  /** Reaches the store without changing anything (validate); throws a clear error when it cannot. */
  check?(): Promise<void>
  close(): Promise<void>

  createJob(
    key: SyncKey,
    job: { syncMode: SyncMode; totalRecordsToFetch: number | null; status?: JobStatus },
  ): Promise<Job>
  updateJob(
    id: string,
    change: { status?: JobStatus; errorMessage?: string | null; incrementalState?: unknown },
  ): Promise<void>
  getJob(id: string): Promise<Job | null>
  getRunningJob(key: SyncKey): Promise<Job | null>
  getLastSucceededJob(key: SyncKey): Promise<Job | null>
  /** Newest first; every sync when `key` is omitted. */
  listJobs(options?: { key?: SyncKey; limit?: number }): Promise<Job[]>

  createSourceCursor(cursor: SourceCursorInput): Promise<void>
  createDestinationCursor(cursor: DestinationCursorInput): Promise<void>
  /** Successful cursor of the job with the highest `to_source_iteration`. */
  getLastDestinationCursor(jobId: string): Promise<DestinationCursor | null>
  listDestinationCursors(jobId: string): Promise<DestinationCursor[]>
  /** Sum of rows_written over the job's successful cursors (0 when none). */
  getRowsWritten(jobId: string): Promise<number>

  createReset(key: SyncKey): Promise<StreamReset>
  getPendingReset(key: SyncKey): Promise<StreamReset | null>
  getResetByJob(jobId: string): Promise<StreamReset | null>
  consumeReset(resetId: string, jobId: string): Promise<void>
  cancelPendingResets(key: SyncKey): Promise<number>

  /**
   * Takes the run lease of a sync. Succeeds when free, expired (no heartbeat for `ttlMs`), held by
   * `holder` already, or held by a dead process on this host.
   */
  acquireLease(key: SyncKey, holder: string, ttlMs: number): Promise<LeaseResult>
  renewLease(key: SyncKey, holder: string): Promise<void>
  releaseLease(key: SyncKey, holder: string): Promise<void>
}

export interface BackendDeclaration<C = any> {
  kind: 'backend'
  name: string
  summary: string
  config?: import('../plugin/types.ts').ObjectSchema
  create(config: C, ctx: { baseDir: string }): Backend | Promise<Backend>
}

/** The Backend methods both SQL stores share; subclasses supply the driver, DDL and the lease. */

import { newId } from '../engine/ids.ts'
import { BizonError, messageOf } from '../errors.ts'
import type { SyncMode } from '../plugin/types.ts'
import {
  type Dialect,
  keyParams,
  placeholders,
  type Queries,
  queries,
  type Row,
  stamp,
  toDestinationCursor,
  toJob,
  toReset,
} from './sql.ts'
import type {
  Backend,
  DestinationCursor,
  DestinationCursorInput,
  Job,
  JobStatus,
  LeaseResult,
  SourceCursorInput,
  StreamReset,
  SyncKey,
} from './types.ts'

/** error_message is varchar(255): postgres rejects longer text, so both stores keep the start. */
const ERROR_MESSAGE_MAX = 255

export abstract class SqlBackend implements Backend {
  abstract readonly type: string
  protected readonly q: Queries

  constructor(
    private readonly dialect: Dialect,
    schema?: string,
  ) {
    this.q = queries(dialect, schema)
  }

  /** Rows of one statement. */
  protected abstract all(sql: string, params: unknown[]): Promise<Row[]>
  /** Runs one statement; the number of rows changed. */
  protected abstract run(sql: string, params: unknown[]): Promise<number>
  /** What the user should check when a statement fails. */
  protected abstract readonly nextStep: string

  abstract init(): Promise<void>
  abstract close(): Promise<void>
  abstract acquireLease(key: SyncKey, holder: string, ttlMs: number): Promise<LeaseResult>

  /** Runs `work`, naming the backend and the action when it fails. */
  protected async attempt<T>(action: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work()
    } catch (error) {
      if (error instanceof BizonError) throw error
      throw new BizonError(
        'backend',
        `Backend "${this.type}" could not ${action}: ${messageOf(error)}. ${this.nextStep}`,
        { cause: error },
      )
    }
  }

  async createJob(
    key: SyncKey,
    job: { syncMode: SyncMode; totalRecordsToFetch: number | null; status?: JobStatus },
  ): Promise<Job> {
    const id = newId()
    const now = stamp()
    const status = job.status ?? 'started'
    const total = job.totalRecordsToFetch ?? null
    await this.attempt('create a job', () =>
      this.run(this.q.insertJob, [id, ...keyParams(key), job.syncMode, total, now.text, status]),
    )
    return {
      id,
      ...key,
      syncMode: job.syncMode,
      attempt: 0,
      totalRecordsToFetch: total,
      createdAt: now.date,
      updatedAt: null,
      incrementalState: null,
      status,
      errorMessage: null,
    }
  }

  /**
   * A status change clears `error_message` unless one is given (reference §5.2); an error message
   * or incremental state alone leaves the other columns as they are.
   */
  async updateJob(
    id: string,
    change: { status?: JobStatus; errorMessage?: string | null; incrementalState?: unknown },
  ): Promise<void> {
    const sets = ['updated_at = $2']
    const params: unknown[] = [id, stamp().text]
    const set = (column: string, value: unknown) => {
      params.push(value)
      sets.push(`${column} = $${params.length}`)
    }
    if (change.status !== undefined) set('status', change.status)
    if (change.status !== undefined || change.errorMessage !== undefined) {
      set('error_message', change.errorMessage?.slice(0, ERROR_MESSAGE_MAX) ?? null)
    }
    if (change.incrementalState !== undefined) {
      set(
        'incremental_state',
        change.incrementalState === null ? null : JSON.stringify(change.incrementalState),
      )
    }
    const sql = placeholders(this.dialect, `UPDATE ${this.q.jobTable} SET ${sets.join(', ')} WHERE id = $1`)
    await this.attempt('update a job', () => this.run(sql, params))
  }

  async getJob(id: string): Promise<Job | null> {
    const rows = await this.attempt('read a job', () => this.all(this.q.jobById, [id]))
    return rows[0] ? toJob(rows[0]) : null
  }

  getRunningJob(key: SyncKey): Promise<Job | null> {
    return this.jobByStatus(key, 'running')
  }

  getLastSucceededJob(key: SyncKey): Promise<Job | null> {
    return this.jobByStatus(key, 'succeeded')
  }

  private async jobByStatus(key: SyncKey, status: JobStatus): Promise<Job | null> {
    const rows = await this.attempt(`read the ${status} job`, () =>
      this.all(this.q.jobByStatus, [...keyParams(key), status]),
    )
    return rows[0] ? toJob(rows[0]) : null
  }

  async listJobs(options: { key?: SyncKey; limit?: number } = {}): Promise<Job[]> {
    const params: unknown[] = options.key ? keyParams(options.key) : []
    let sql = this.q.jobs
    if (options.key) sql += ' WHERE name = $1 AND source_name = $2 AND stream_name = $3'
    sql += ' ORDER BY created_at DESC'
    if (options.limit !== undefined) {
      params.push(Math.max(0, Math.floor(options.limit)))
      sql += ` LIMIT $${params.length}`
    }
    const rows = await this.attempt('list jobs', () => this.all(placeholders(this.dialect, sql), params))
    return rows.map(toJob)
  }

  async createSourceCursor(cursor: SourceCursorInput): Promise<void> {
    const params = [
      newId(),
      cursor.jobId,
      ...keyParams(cursor),
      cursor.iteration,
      cursor.rowsFetched,
      JSON.stringify(cursor.pagination ?? {}),
      stamp().text,
    ]
    await this.attempt('write a source cursor', () => this.run(this.q.insertSourceCursor, params))
  }

  async createDestinationCursor(cursor: DestinationCursorInput): Promise<void> {
    const pagination = cursor.pagination
    // An exhausted source (null or `{}`) is stored as NULL, unlike source cursors (reference §5.1).
    const json = pagination && Object.keys(pagination).length > 0 ? JSON.stringify(pagination) : null
    const params = [
      newId(),
      cursor.jobId,
      ...keyParams(cursor),
      cursor.destinationName,
      cursor.fromSourceIteration,
      cursor.toSourceIteration,
      cursor.rowsWritten,
      cursor.success,
      stamp().text,
      json,
    ]
    await this.attempt('write a destination cursor', () => this.run(this.q.insertDestinationCursor, params))
  }

  async getLastDestinationCursor(jobId: string): Promise<DestinationCursor | null> {
    const rows = await this.attempt('read the last destination cursor', () =>
      this.all(this.q.lastDestinationCursor, [jobId]),
    )
    return rows[0] ? toDestinationCursor(rows[0]) : null
  }

  async listDestinationCursors(jobId: string): Promise<DestinationCursor[]> {
    const rows = await this.attempt('list destination cursors', () =>
      this.all(this.q.destinationCursors, [jobId]),
    )
    return rows.map(toDestinationCursor)
  }

  async getRowsWritten(jobId: string): Promise<number> {
    const rows = await this.attempt('sum written rows', () => this.all(this.q.rowsWritten, [jobId]))
    return Number(rows[0]?.n ?? 0)
  }

  async createReset(key: SyncKey): Promise<StreamReset> {
    const id = newId()
    const now = stamp()
    await this.attempt('create a reset request', () =>
      this.run(this.q.insertReset, [id, ...keyParams(key), now.text]),
    )
    return { id, ...key, requestedAt: now.date, consumedAt: null, consumedByJobId: null }
  }

  async getPendingReset(key: SyncKey): Promise<StreamReset | null> {
    const rows = await this.attempt('read pending resets', () =>
      this.all(this.q.pendingReset, keyParams(key)),
    )
    return rows[0] ? toReset(rows[0]) : null
  }

  async getResetByJob(jobId: string): Promise<StreamReset | null> {
    const rows = await this.attempt('read the reset of a job', () => this.all(this.q.resetByJob, [jobId]))
    return rows[0] ? toReset(rows[0]) : null
  }

  async consumeReset(resetId: string, jobId: string): Promise<void> {
    await this.attempt('mark a reset consumed', () =>
      this.run(this.q.consumeReset, [resetId, stamp().text, jobId]),
    )
  }

  cancelPendingResets(key: SyncKey): Promise<number> {
    return this.attempt('cancel pending resets', () =>
      this.run(this.q.cancelResets, [...keyParams(key), stamp().text]),
    )
  }

  async renewLease(key: SyncKey, holder: string): Promise<void> {
    const changed = await this.attempt('renew the run lease', () =>
      this.run(this.q.leaseRenew, [...keyParams(key), holder, stamp().text]),
    )
    if (changed === 0) {
      throw new BizonError(
        'lease',
        `Backend "${this.type}" could not renew the run lease of ${key.name}/${key.sourceName}/${key.streamName}: ` +
          'another run took it over after its heartbeat expired. Stop this run; the other one continues the sync.',
      )
    }
  }

  async releaseLease(key: SyncKey, holder: string): Promise<void> {
    await this.attempt('release the run lease', () =>
      this.run(this.q.leaseRelease, [...keyParams(key), holder]),
    )
  }
}

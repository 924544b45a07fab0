/** SQL shared by the sqlite and postgres backends: tables (reference §5.1), queries, row mapping. */
import { formatTimestamp, parseTimestamp } from '../engine/ids.ts'
import type { DestinationCursor, Job, Lease, StreamReset, SyncKey } from './types.ts'

export type Dialect = 'sqlite' | 'postgres'
export type Row = Record<string, any>

export interface DdlStatement {
  kind: 'table' | 'index'
  name: string
  sql: string
}

export const TABLES = [
  'stream_jobs',
  'source_cursors',
  'destination_cursors',
  'stream_resets',
  'bizon_leases',
]

/** A quoted SQL identifier. */
export function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`
}

/** `CREATE ... IF NOT EXISTS` for every table and index, in dependency order. */
export function ddl(dialect: Dialect, schema?: string): DdlStatement[] {
  const t = (name: string) => (schema ? `${ident(schema)}.${name}` : name)
  const ts = dialect === 'sqlite' ? 'DATETIME' : 'TIMESTAMP'
  // Server-side defaults only help people who seed rows by hand; bizon always writes its own times.
  const now =
    dialect === 'sqlite' ? `(strftime('%Y-%m-%d %H:%M:%f', 'now') || '000')` : `(now() AT TIME ZONE 'utc')`
  const sync = `name VARCHAR(100) NOT NULL,
  source_name VARCHAR(100) NOT NULL,
  stream_name VARCHAR(100) NOT NULL`
  const table = (name: string, body: string): DdlStatement => ({
    kind: 'table',
    name,
    sql: `CREATE TABLE IF NOT EXISTS ${t(name)} (\n  ${body}\n)`,
  })
  const index = (name: string, on: string, columns: string): DdlStatement => ({
    kind: 'index',
    name,
    sql: `CREATE INDEX IF NOT EXISTS ${name} ON ${t(on)} (${columns})`,
  })
  return [
    table(
      'stream_jobs',
      `id VARCHAR(100) NOT NULL PRIMARY KEY,
  ${sync},
  sync_mode VARCHAR(100) NOT NULL,
  attempt INTEGER DEFAULT 0,
  total_records_to_fetch INTEGER,
  created_at ${ts} NOT NULL DEFAULT ${now},
  updated_at ${ts},
  incremental_state TEXT,
  status VARCHAR(100) DEFAULT 'started',
  error_message VARCHAR(255)`,
    ),
    table(
      'source_cursors',
      `id VARCHAR(100) NOT NULL PRIMARY KEY,
  job_id VARCHAR(100) REFERENCES ${t('stream_jobs')} (id),
  ${sync},
  iteration INTEGER DEFAULT 0,
  rows_fetched INTEGER DEFAULT 0,
  next_pagination TEXT,
  attempt INTEGER DEFAULT 0,
  status VARCHAR(100) DEFAULT 'started',
  error_message VARCHAR(500),
  created_at ${ts} DEFAULT ${now},
  updated_at ${ts}`,
    ),
    table(
      'destination_cursors',
      `id VARCHAR(100) NOT NULL PRIMARY KEY,
  job_id VARCHAR(100) REFERENCES ${t('stream_jobs')} (id),
  ${sync},
  destination_name VARCHAR(100) NOT NULL,
  from_source_iteration INTEGER DEFAULT 0,
  to_source_iteration INTEGER DEFAULT 0,
  rows_written INTEGER DEFAULT 0,
  success BOOLEAN NOT NULL,
  attempt INTEGER DEFAULT 0,
  error_message VARCHAR(500),
  created_at ${ts} DEFAULT ${now},
  updated_at ${ts},
  pagination TEXT`,
    ),
    table(
      'stream_resets',
      `id VARCHAR(100) NOT NULL PRIMARY KEY,
  ${sync},
  requested_at ${ts} NOT NULL DEFAULT ${now},
  consumed_at ${ts},
  consumed_by_job_id VARCHAR(100)`,
    ),
    table(
      'bizon_leases',
      `${sync},
  holder VARCHAR(255) NOT NULL,
  host VARCHAR(255) NOT NULL,
  pid INTEGER NOT NULL,
  acquired_at ${ts} NOT NULL,
  heartbeat_at ${ts} NOT NULL,
  PRIMARY KEY (name, source_name, stream_name)`,
    ),
    index('stream_jobs_sync_idx', 'stream_jobs', 'name, source_name, stream_name, status, created_at'),
    index('source_cursors_job_idx', 'source_cursors', 'job_id, iteration'),
    index('destination_cursors_job_idx', 'destination_cursors', 'job_id, to_source_iteration'),
    index('stream_resets_sync_idx', 'stream_resets', 'name, source_name, stream_name, requested_at'),
    index('stream_resets_job_idx', 'stream_resets', 'consumed_by_job_id'),
  ]
}

/** Every statement the backends run, written with `$n` placeholders (`?n` for sqlite). */
export function queries(dialect: Dialect, schema?: string) {
  const t = (name: string) => (schema ? `${ident(schema)}.${name}` : name)
  const sync = 'name = $1 AND source_name = $2 AND stream_name = $3'
  const texts = {
    insertJob: `INSERT INTO ${t('stream_jobs')} (id, name, source_name, stream_name, sync_mode, attempt,
      total_records_to_fetch, created_at, status) VALUES ($1, $2, $3, $4, $5, 0, $6, $7, $8)
      ON CONFLICT (id) DO NOTHING`,
    jobById: `SELECT * FROM ${t('stream_jobs')} WHERE id = $1`,
    jobByStatus: `SELECT * FROM ${t('stream_jobs')} WHERE ${sync} AND status = $4 ORDER BY created_at DESC LIMIT 1`,
    jobTable: t('stream_jobs'),
    jobs: `SELECT * FROM ${t('stream_jobs')}`,
    insertSourceCursor: `INSERT INTO ${t('source_cursors')} (id, job_id, name, source_name, stream_name,
      iteration, rows_fetched, next_pagination, attempt, status, created_at)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, 'pulling', $9) ON CONFLICT (id) DO NOTHING`,
    insertDestinationCursor: `INSERT INTO ${t('destination_cursors')} (id, job_id, name, source_name, stream_name,
      destination_name, from_source_iteration, to_source_iteration, rows_written, success, attempt, created_at,
      pagination) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 0, $11, $12) ON CONFLICT (id) DO NOTHING`,
    lastDestinationCursor: `SELECT * FROM ${t('destination_cursors')} WHERE job_id = $1 AND success = TRUE
      ORDER BY to_source_iteration DESC, created_at DESC LIMIT 1`,
    destinationCursors: `SELECT * FROM ${t('destination_cursors')} WHERE job_id = $1
      ORDER BY to_source_iteration, created_at`,
    rowsWritten: `SELECT COALESCE(SUM(rows_written), 0) AS n FROM ${t('destination_cursors')}
      WHERE job_id = $1 AND success = TRUE`,
    insertReset: `INSERT INTO ${t('stream_resets')} (id, name, source_name, stream_name, requested_at)
      VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING`,
    pendingReset: `SELECT * FROM ${t('stream_resets')} WHERE ${sync} AND consumed_at IS NULL
      ORDER BY requested_at DESC LIMIT 1`,
    resetByJob: `SELECT * FROM ${t('stream_resets')} WHERE consumed_by_job_id = $1 ORDER BY requested_at DESC LIMIT 1`,
    consumeReset: `UPDATE ${t('stream_resets')} SET consumed_at = $2, consumed_by_job_id = $3 WHERE id = $1`,
    cancelResets: `UPDATE ${t('stream_resets')} SET consumed_at = $4 WHERE ${sync} AND consumed_at IS NULL`,
    leaseInsertIfFree: `INSERT INTO ${t('bizon_leases')} (name, source_name, stream_name, holder, host, pid,
      acquired_at, heartbeat_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7)
      ON CONFLICT (name, source_name, stream_name) DO NOTHING`,
    leaseGet: `SELECT * FROM ${t('bizon_leases')} WHERE ${sync}`,
    leaseTake: `UPDATE ${t('bizon_leases')} SET holder = $4, host = $5, pid = $6, acquired_at = $7, heartbeat_at = $8
      WHERE ${sync}`,
    leaseRenew: `UPDATE ${t('bizon_leases')} SET heartbeat_at = $5 WHERE ${sync} AND holder = $4`,
    leaseRelease: `DELETE FROM ${t('bizon_leases')} WHERE ${sync} AND holder = $4`,
  }
  return Object.fromEntries(
    Object.entries(texts).map(([k, text]) => [k, placeholders(dialect, text)]),
  ) as typeof texts
}

/** Statements are written with `$n`; sqlite numbers its parameters `?n`. */
export function placeholders(dialect: Dialect, sql: string): string {
  return dialect === 'sqlite' ? sql.replace(/\$(\d+)/g, '?$1') : sql
}
export type Queries = ReturnType<typeof queries>

let lastMicros = 0

/**
 * Now, as the Date and its `YYYY-MM-DD HH:MM:SS.ffffff` text. The sub-millisecond digits count up
 * within the process so rows written in the same millisecond keep their order under `ORDER BY`.
 */
export function stamp(): { date: Date; text: string } {
  let micros = Date.now() * 1000
  if (micros <= lastMicros) micros = lastMicros + 1
  lastMicros = micros
  const date = new Date(Math.floor(micros / 1000))
  const text = formatTimestamp(date).slice(0, -3) + String(micros % 1000).padStart(3, '0')
  return { date, text }
}

export function keyParams(key: SyncKey): [string, string, string] {
  return [key.name, key.sourceName, key.streamName]
}

function toDate(value: unknown): Date {
  return value instanceof Date ? value : parseTimestamp(String(value))
}

function toDateOrNull(value: unknown): Date | null {
  return value === null || value === undefined ? null : toDate(value)
}

/** JSON text back to a value; text that is not JSON (seeded by hand) comes back as is. */
export function fromJson(text: unknown): any {
  if (text === null || text === undefined) return null
  try {
    return JSON.parse(String(text))
  } catch {
    return text
  }
}

function syncKey(row: Row): SyncKey {
  return { name: row.name, sourceName: row.source_name, streamName: row.stream_name }
}

export function toJob(row: Row): Job {
  return {
    id: row.id,
    ...syncKey(row),
    syncMode: row.sync_mode,
    attempt: Number(row.attempt ?? 0),
    totalRecordsToFetch: row.total_records_to_fetch === null ? null : Number(row.total_records_to_fetch),
    createdAt: toDate(row.created_at),
    updatedAt: toDateOrNull(row.updated_at),
    incrementalState: fromJson(row.incremental_state),
    status: row.status,
    errorMessage: row.error_message ?? null,
  }
}

export function toDestinationCursor(row: Row): DestinationCursor {
  return {
    id: row.id,
    jobId: row.job_id,
    ...syncKey(row),
    destinationName: row.destination_name,
    fromSourceIteration: Number(row.from_source_iteration),
    toSourceIteration: Number(row.to_source_iteration),
    rowsWritten: Number(row.rows_written),
    success: row.success === true || row.success === 1,
    pagination: fromJson(row.pagination),
    createdAt: toDate(row.created_at),
  }
}

export function toReset(row: Row): StreamReset {
  return {
    id: row.id,
    ...syncKey(row),
    requestedAt: toDate(row.requested_at),
    consumedAt: toDateOrNull(row.consumed_at),
    consumedByJobId: row.consumed_by_job_id ?? null,
  }
}

export function toLease(row: Row): Lease {
  return {
    ...syncKey(row),
    holder: row.holder,
    host: row.host,
    pid: Number(row.pid),
    acquiredAt: toDate(row.acquired_at),
    heartbeatAt: toDate(row.heartbeat_at),
  }
}

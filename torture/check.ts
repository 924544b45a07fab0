/** Invariants after a torture trial: the destination holds the source, the state tables are consistent. */
import { Database } from 'bun:sqlite'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import postgres from 'postgres'
import { pgUrl } from '../tests/helpers/services.ts'

export type Row = Record<string, any>

/** Reads the state tables of a trial, sqlite file or postgres schema alike. */
export interface StateStore {
  query(sql: string): Promise<Row[]>
  close(): Promise<void>
}

export function sqliteState(file: string): StateStore {
  return {
    async query(sql) {
      if (!existsSync(file)) return []
      const db = new Database(file, { readonly: true })
      try {
        db.exec('PRAGMA busy_timeout = 5000')
        return db.query(sql).all() as Row[]
      } catch (error) {
        if (/no such table/.test(String(error))) return []
        throw error
      } finally {
        db.close()
      }
    },
    async close() {},
  }
}

export function pgState(schema: string): StateStore {
  const sql = postgres(pgUrl(), { max: 1, onnotice: () => {}, connection: { search_path: schema } })
  return {
    async query(text) {
      try {
        return [...(await sql.unsafe(text))]
      } catch (error) {
        if (/does not exist/.test(String(error))) return []
        throw error
      }
    },
    close: () => sql.end({ timeout: 1 }),
  }
}

/** Where a trial's records land. */
export type Target =
  | { kind: 'file'; file: string }
  | { kind: 'sqlite'; file: string; table: string }
  | { kind: 'postgres'; schema: string; table: string }

/** The source_record_id of every row in the destination, as strings. */
export async function destinationIds(target: Target): Promise<string[]> {
  if (target.kind === 'file') {
    if (!existsSync(target.file)) return []
    return readFileSync(target.file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => String(JSON.parse(line).source_record_id))
  }
  if (target.kind === 'sqlite') {
    const rows = await sqliteState(target.file).query(`select source_record_id as id from "${target.table}"`)
    return rows.map((r) => String(r.id))
  }
  const store = pgState(target.schema)
  try {
    const rows = await store.query(`select source_record_id as id from "${target.schema}"."${target.table}"`)
    return rows.map((r) => String(r.id))
  } finally {
    await store.close()
  }
}

export interface Outcome {
  lost: number
  duplicates: number
  /** Broken invariants, in words; empty when the trial is clean. */
  problems: string[]
}

/**
 * Compares the destination with the expected ids. `allowedDuplicates` says how many extra copies of
 * an id may exist (copies of a page written before its cursor was committed); null = none allowed.
 */
export function compareIds(
  expected: string[],
  actual: string[],
  allowedDuplicates: Map<string, number> | null,
): Outcome {
  const counts = new Map<string, number>()
  for (const id of actual) counts.set(id, (counts.get(id) ?? 0) + 1)
  const want = new Set(expected)
  const problems: string[] = []
  const lostIds = expected.filter((id) => !counts.has(id))
  const extra = [...counts.keys()].filter((id) => !want.has(id))
  let duplicates = 0
  const unexplained: string[] = []
  for (const [id, n] of counts) {
    if (n <= 1) continue
    duplicates += n - 1
    if (n - 1 > (allowedDuplicates?.get(id) ?? 0)) unexplained.push(id)
  }
  if (lostIds.length) problems.push(`lost ${lostIds.length} records (e.g. ${lostIds.slice(0, 5).join(', ')})`)
  if (extra.length)
    problems.push(`${extra.length} records not in the source (e.g. ${extra.slice(0, 5).join(', ')})`)
  if (unexplained.length)
    problems.push(
      `${unexplained.length} ids duplicated beyond uncommitted batches (e.g. ${unexplained.slice(0, 5).join(', ')})`,
    )
  return { lost: lostIds.length, duplicates, problems }
}

/** State-table invariants of one sync after a successful final run. */
export async function checkState(
  store: StateStore,
  options: { name: string; stream: boolean; records: number | null },
): Promise<string[]> {
  const problems: string[] = []
  const jobs = await store.query(
    `select id, status, sync_mode from stream_jobs where name = '${options.name}' order by created_at`,
  )
  const running = jobs.filter((j) => j.status === 'running' || j.status === 'started')
  if (running.length > (options.stream ? 1 : 0))
    problems.push(`${running.length} jobs still running/started after success`)
  const last = jobs.at(-1)
  if (!last) return ['no job recorded']
  if (!options.stream && last.status !== 'succeeded')
    problems.push(`last job is ${last.status}, not succeeded`)
  for (const job of jobs) {
    const cursors = await store.query(
      `select from_source_iteration as f, to_source_iteration as t, rows_written as n, pagination as p
       from destination_cursors where job_id = '${job.id}' and success = true order by from_source_iteration, created_at`,
    )
    let expectFrom = 0
    for (const c of cursors) {
      if (Number(c.f) !== expectFrom) {
        problems.push(
          `job ${String(job.id).slice(0, 8)}: cursor from ${c.f} after to ${expectFrom - 1} (not contiguous)`,
        )
        break
      }
      expectFrom = Number(c.t) + 1
    }
    job.written = cursors.reduce((sum, c) => sum + Number(c.n), 0)
    if (job.id === last.id && cursors.length && cursors.at(-1)!.p !== null)
      problems.push('last cursor of the succeeded job has a pagination')
  }
  // Each record is committed once: by the last job (full refresh), or across the jobs (incremental resumes)
  if (!options.stream && options.records !== null) {
    const counted = last.sync_mode === 'incremental' ? jobs.filter((j) => j.status !== 'cancelled') : [last]
    const written = counted.reduce((sum, j) => sum + j.written, 0)
    if (written !== options.records)
      problems.push(`committed cursors count ${written} rows written, the source has ${options.records}`)
  }
  const leases = await store.query('select holder from bizon_leases')
  if (leases.length) problems.push(`${leases.length} run lease(s) left behind after the run ended`)
  return problems
}

/** Last committed iteration of the job currently running (-1 when none), read after a kill. */
export async function lastCommitted(store: StateStore, name: string): Promise<{ job?: string; to: number }> {
  const [job] = await store.query(
    `select id from stream_jobs where name = '${name}' and status in ('running', 'started') order by created_at desc limit 1`,
  )
  if (!job) return { to: -1 }
  const [row] = await store.query(
    `select max(to_source_iteration) as t from destination_cursors where job_id = '${job.id}' and success = true`,
  )
  return { job: String(job.id), to: row?.t === null || row?.t === undefined ? -1 : Number(row.t) }
}

export function outFile(dir: string, id = 'out'): string {
  return join(dir, `${id}.json`)
}

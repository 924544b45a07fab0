/** The sqlite backend: the suite on a temp file, the §5.1 tables as `sqlite3` sees them, the file. */
import { Database } from 'bun:sqlite'
import { expect, test } from 'bun:test'
import { existsSync, rmSync } from 'node:fs'
import { join, relative } from 'node:path'
import type { Backend } from '../../src/backends/types.ts'
import { backendSuite, openStore, type StoreSpec, syncKey } from '../conformance/backend.suite.ts'
import { tempDir } from '../helpers/tmp.ts'

const dir = tempDir('bizon-sqlite-')
const specs = new WeakMap<Backend, StoreSpec>()
let count = 0

async function fresh(name = `state-${++count}`): Promise<{ backend: Backend; file: string }> {
  const spec = { type: 'sqlite', config: { database: join(dir, name) } }
  const backend = await openStore(spec)
  specs.set(backend, spec)
  return { backend, file: join(dir, `${name}.sqlite3`) }
}

backendSuite('sqlite', async () => (await fresh()).backend, {
  spec: (backend) => specs.get(backend)!,
  crossProcess: true,
})

/** name type notnull default pk, as `PRAGMA table_info` lists them. */
function columns(db: Database, table: string): string[] {
  const rows = db.query(`PRAGMA table_info(${table})`).all() as Record<string, unknown>[]
  return rows.map((c) =>
    [c.name, c.type, c.notnull ? 'NOT NULL' : '', c.dflt_value ?? '', c.pk ? 'PK' : ''].join(' ').trim(),
  )
}

test('the state file holds the tables and columns of reference §5.1', async () => {
  const { backend, file } = await fresh()
  await backend.init()
  await backend.close()
  const db = new Database(file, { readonly: true })
  const tables = db.query("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all()
  expect(tables.map((t: any) => t.name)).toEqual([
    'bizon_leases',
    'destination_cursors',
    'source_cursors',
    'stream_jobs',
    'stream_resets',
  ])
  const now = "strftime('%Y-%m-%d %H:%M:%f', 'now') || '000'"
  expect(columns(db, 'stream_jobs')).toEqual([
    'id VARCHAR(100) NOT NULL  PK',
    'name VARCHAR(100) NOT NULL',
    'source_name VARCHAR(100) NOT NULL',
    'stream_name VARCHAR(100) NOT NULL',
    'sync_mode VARCHAR(100) NOT NULL',
    'attempt INTEGER  0',
    'total_records_to_fetch INTEGER',
    `created_at DATETIME NOT NULL ${now}`,
    'updated_at DATETIME',
    'incremental_state TEXT',
    "status VARCHAR(100)  'started'",
    'error_message VARCHAR(255)',
  ])
  expect(columns(db, 'source_cursors')).toEqual([
    'id VARCHAR(100) NOT NULL  PK',
    'job_id VARCHAR(100)',
    'name VARCHAR(100) NOT NULL',
    'source_name VARCHAR(100) NOT NULL',
    'stream_name VARCHAR(100) NOT NULL',
    'iteration INTEGER  0',
    'rows_fetched INTEGER  0',
    'next_pagination TEXT',
    'attempt INTEGER  0',
    "status VARCHAR(100)  'started'",
    'error_message VARCHAR(500)',
    `created_at DATETIME  ${now}`,
    'updated_at DATETIME',
  ])
  expect(columns(db, 'destination_cursors')).toEqual([
    'id VARCHAR(100) NOT NULL  PK',
    'job_id VARCHAR(100)',
    'name VARCHAR(100) NOT NULL',
    'source_name VARCHAR(100) NOT NULL',
    'stream_name VARCHAR(100) NOT NULL',
    'destination_name VARCHAR(100) NOT NULL',
    'from_source_iteration INTEGER  0',
    'to_source_iteration INTEGER  0',
    'rows_written INTEGER  0',
    'success BOOLEAN NOT NULL',
    'attempt INTEGER  0',
    'error_message VARCHAR(500)',
    `created_at DATETIME  ${now}`,
    'updated_at DATETIME',
    'pagination TEXT',
  ])
  expect(columns(db, 'stream_resets')).toEqual([
    'id VARCHAR(100) NOT NULL  PK',
    'name VARCHAR(100) NOT NULL',
    'source_name VARCHAR(100) NOT NULL',
    'stream_name VARCHAR(100) NOT NULL',
    `requested_at DATETIME NOT NULL ${now}`,
    'consumed_at DATETIME',
    'consumed_by_job_id VARCHAR(100)',
  ])
  const fk = db.query('PRAGMA foreign_key_list(destination_cursors)').all() as any[]
  expect(fk.map((k) => [k.table, k.from, k.to])).toEqual([['stream_jobs', 'job_id', 'id']])
  expect((db.query('PRAGMA journal_mode').get() as any).journal_mode).toBe('wal')
  db.close()
})

test('rows are encoded as sqlite3 users and seeded databases expect them', async () => {
  const { backend, file } = await fresh()
  await backend.init()
  const key = syncKey()
  const job = await backend.createJob(key, { syncMode: 'incremental', totalRecordsToFetch: 7 })
  await backend.updateJob(job.id, { status: 'running', incrementalState: { max: '2024-01-01' } })
  await backend.createSourceCursor({ ...key, jobId: job.id, iteration: 0, rowsFetched: 3, pagination: {} })
  await backend.createSourceCursor({
    ...key,
    jobId: job.id,
    iteration: 1,
    rowsFetched: 4,
    pagination: { a: true },
  })
  const base = { ...key, jobId: job.id, destinationName: 'file', fromSourceIteration: 0, rowsWritten: 7 }
  await backend.createDestinationCursor({
    ...base,
    toSourceIteration: 1,
    success: true,
    pagination: { b: null },
  })
  await backend.createDestinationCursor({ ...base, toSourceIteration: 2, success: false, pagination: {} })
  const reset = await backend.createReset(key)
  await backend.cancelPendingResets(key)
  await backend.close()

  const db = new Database(file, { readonly: true })
  const stamp = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$/
  const jobRow = db.query('SELECT * FROM stream_jobs').get() as any
  expect(jobRow).toMatchObject({ id: job.id, status: 'running', sync_mode: 'incremental', attempt: 0 })
  expect(jobRow.incremental_state).toBe('{"max":"2024-01-01"}')
  expect(jobRow.created_at).toMatch(stamp)
  expect(jobRow.updated_at).toMatch(stamp)
  expect(
    db
      .query(
        'SELECT iteration, rows_fetched, next_pagination, status, attempt FROM source_cursors ORDER BY iteration',
      )
      .all(),
  ).toEqual([
    { iteration: 0, rows_fetched: 3, next_pagination: '{}', status: 'pulling', attempt: 0 },
    { iteration: 1, rows_fetched: 4, next_pagination: '{"a":true}', status: 'pulling', attempt: 0 },
  ])
  expect(
    db.query('SELECT to_source_iteration, success, pagination FROM destination_cursors ORDER BY 1').all(),
  ).toEqual([
    { to_source_iteration: 1, success: 1, pagination: '{"b":null}' },
    { to_source_iteration: 2, success: 0, pagination: null },
  ])
  const resetRow = db.query('SELECT * FROM stream_resets').get() as any
  expect(resetRow).toMatchObject({ id: reset.id, consumed_by_job_id: null })
  expect(resetRow.consumed_at).toMatch(stamp)
  db.close()
})

test('a relative database is a file in the working directory, named <database>.sqlite3', async () => {
  const name = relative(process.cwd(), join(dir, 'nested', 'relative-state'))
  const backend = await openStore({ type: 'sqlite', config: { database: name } })
  await backend.init()
  await backend.close()
  expect(existsSync(join(dir, 'nested', 'relative-state.sqlite3'))).toBe(true)
})

test('ten processes creating the tables of one new file at once all succeed', async () => {
  const { file } = await fresh('race')
  rmSync(file, { force: true })
  const code = `
    const { findBackend } = await import(${JSON.stringify(join(import.meta.dir, '../../src/backends/index.ts'))})
    const backend = await findBackend('sqlite').create({ database: process.env.DB }, { baseDir: '.' })
    await backend.init()
    await backend.createJob({ name: 'race', sourceName: 's', streamName: String(process.pid) }, { syncMode: 'full_refresh', totalRecordsToFetch: null })
    await backend.close()`
  const env = { ...process.env, DB: file.slice(0, -'.sqlite3'.length) }
  const children = Array.from({ length: 10 }, () =>
    Bun.spawn([process.execPath, '-e', code], { env, stdout: 'ignore', stderr: 'pipe' }),
  )
  const results = await Promise.all(
    children.map(async (c) => [await c.exited, await new Response(c.stderr).text()]),
  )
  expect(results).toEqual(Array.from({ length: 10 }, () => [0, '']))
  const db = new Database(file, { readonly: true })
  expect((db.query('SELECT count(*) AS n FROM stream_jobs').get() as any).n).toBe(10)
  db.close()
})

test('echoEngine prints each statement to stderr', async () => {
  const code = `
    const { findBackend } = await import(${JSON.stringify(join(import.meta.dir, '../../src/backends/index.ts'))})
    const backend = await findBackend('sqlite').create({ database: process.env.DB, echoEngine: true }, { baseDir: '.' })
    await backend.init()
    await backend.getJob('x')`
  const child = Bun.spawn([process.execPath, '-e', code], {
    env: { ...process.env, DB: join(dir, 'echo') },
    stdout: 'ignore',
    stderr: 'pipe',
  })
  const [exit, stderr] = await Promise.all([child.exited, new Response(child.stderr).text()])
  expect(exit).toBe(0)
  expect(stderr).toBe('[backend:sqlite] SELECT * FROM stream_jobs WHERE id = ?1\n')
})

test('a state file that cannot be created names the file and the key to fix', async () => {
  const blocker = join(dir, 'not-a-folder')
  await Bun.write(blocker, 'x')
  const opening = openStore({ type: 'sqlite', config: { database: join(blocker, 'state') } })
  await expect(opening).rejects.toThrow(`Backend "sqlite" could not open ${join(blocker, 'state.sqlite3')}: `)
  await expect(opening).rejects.toMatchObject({ code: 'backend', path: 'engine.backend.config.database' })
})

test('a destination cursor costs tens of microseconds (one per flush)', async () => {
  const { backend } = await fresh()
  await backend.init()
  const job = await backend.createJob(syncKey(), { syncMode: 'full_refresh', totalRecordsToFetch: null })
  const cursor = {
    ...syncKey(),
    jobId: job.id,
    destinationName: 'file',
    fromSourceIteration: 0,
    rowsWritten: 100,
    success: true,
  }
  const n = 5000
  const times: number[] = []
  for (let i = 0; i < n; i++) {
    const started = performance.now()
    await backend.createDestinationCursor({
      ...cursor,
      toSourceIteration: i,
      pagination: { page: i + 1, cursor: 'abc' },
    })
    times.push((performance.now() - started) * 1000)
  }
  const mean = times.reduce((sum, t) => sum + t, 0) / n
  const median = times.sort((a, b) => a - b)[n >> 1]!
  // The mean includes the fsync of WAL checkpoints every ~1000 pages, so it follows the disk's load.
  console.log(
    `sqlite createDestinationCursor: median ${median.toFixed(1)} µs, mean ${mean.toFixed(1)} µs per call`,
  )
  expect(await backend.getRowsWritten(job.id)).toBe(100 * n)
  expect(median).toBeLessThan(500)
  await backend.close()
})

/** The postgres backend: the suite on a fresh schema per test, its schema, connection failures. */
import { afterAll, describe, expect, test } from 'bun:test'
import postgres from 'postgres'
import { findBackend, type PostgresBackendConfig } from '../../src/backends/index.ts'
import { PostgresBackend } from '../../src/backends/postgres/backend.ts'
import type { Backend } from '../../src/backends/types.ts'
import { backendSuite, openStore, type StoreSpec, syncKey } from '../conformance/backend.suite.ts'
import { canRestartPg, hasPg, pgUrl, startPg, stopPg } from '../helpers/services.ts'

const available = await hasPg()
const run = `${process.pid}_${Math.random().toString(36).slice(2, 8)}`
const admin = available ? postgres(pgUrl(), { max: 1, onnotice: () => {} }) : undefined
const schemas: string[] = []
let count = 0

afterAll(async () => {
  if (!admin) return
  for (const schema of schemas) await admin.unsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
  await admin.end()
})

/** A spec on a new schema, dropped after the file; its connections carry an application name of their own. */
function newSpec(): StoreSpec {
  const schema = `bizon_test_${run}_${++count}`
  schemas.push(schema)
  const url = new URL(pgUrl())
  url.searchParams.set('application_name', schema)
  return { type: 'postgres', config: { url: url.toString(), schema } }
}

const specs = new WeakMap<Backend, StoreSpec>()
if (available) {
  backendSuite(
    'postgres',
    async () => {
      const spec = newSpec()
      const backend = await openStore(spec)
      specs.set(backend, spec)
      return backend
    },
    { spec: (backend) => specs.get(backend)!, crossProcess: true },
  )
}

describe.skipIf(!available)('postgres backend', () => {
  test('creates its schema and tables in the configured schema only', async () => {
    const spec = newSpec()
    const backend = await openStore(spec)
    await backend.init()
    await backend.createJob(syncKey(), { syncMode: 'full_refresh', totalRecordsToFetch: null })
    await backend.close()
    const tables = await admin!`
      SELECT table_name FROM information_schema.tables WHERE table_schema = ${spec.config.schema as string}
      ORDER BY table_name`
    expect(tables.map((t) => t.table_name)).toEqual([
      'bizon_leases',
      'destination_cursors',
      'source_cursors',
      'stream_jobs',
      'stream_resets',
    ])
    const [jobs] = await admin!.unsafe(`SELECT count(*)::int AS n FROM "${spec.config.schema}".stream_jobs`)
    expect(jobs!.n).toBe(1)
    const types = await admin!`
      SELECT column_name, data_type FROM information_schema.columns
      WHERE table_schema = ${spec.config.schema as string} AND table_name = 'destination_cursors' ORDER BY ordinal_position`
    expect(Object.fromEntries(types.map((c) => [c.column_name, c.data_type]))).toMatchObject({
      id: 'character varying',
      success: 'boolean',
      created_at: 'timestamp without time zone',
      pagination: 'text',
    })
  })

  test('survives its connections being cut mid-run', async () => {
    const spec = newSpec()
    const backend = await openStore(spec)
    await backend.init()
    const job = await backend.createJob(syncKey(), { syncMode: 'incremental', totalRecordsToFetch: null })
    const cut = await admin!`
      SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = ${spec.config.schema as string}`
    expect(cut.length).toBeGreaterThan(0)
    await backend.updateJob(job.id, { status: 'running' })
    expect((await backend.getRunningJob(syncKey()))?.id).toBe(job.id)
    await backend.close()
  })

  test.skipIf(!canRestartPg())('survives a PostgreSQL restart mid-run', async () => {
    const backend = await openStore(newSpec())
    await backend.init()
    const job = await backend.createJob(syncKey(), { syncMode: 'stream', totalRecordsToFetch: null })
    await stopPg('fast')
    const restarted = Bun.sleep(1000).then(() => startPg())
    await backend.createDestinationCursor({
      ...syncKey(),
      jobId: job.id,
      destinationName: 'file',
      fromSourceIteration: 0,
      toSourceIteration: 0,
      rowsWritten: 5,
      success: true,
      pagination: { page: 1 },
    })
    await restarted
    expect(await backend.getRowsWritten(job.id)).toBe(5)
    await backend.close()
  })
})

describe('postgres backend configuration and connection errors', () => {
  const base = { database: 'bizon', schema: 'public', syncCursorInDBEvery: 10, echoEngine: false, port: 5432 }

  test('needs url or host', async () => {
    const creating = findBackend('postgres')!.create({}, { baseDir: '.' })
    await expect(creating).rejects.toThrow(
      'Backend "postgres" needs engine.backend.config.url or engine.backend.config.host.',
    )
    await expect(creating).rejects.toMatchObject({ code: 'config', path: 'engine.backend.config.host' })
  })

  test('rejects a url that is not one, without repeating it', async () => {
    const creating = findBackend('postgres')!.create({ url: 'pg:/user:s3cret-value@' }, { baseDir: '.' })
    const error = await Promise.resolve(creating).catch((e: Error) => e)
    expect(error).toBeInstanceOf(Error)
    expect((error as Error).message).toBe(
      'Backend "postgres": engine.backend.config.url is not a postgres:// URL.',
    )
  })

  test('names host and port after retrying, and never shows the password', async () => {
    const config: PostgresBackendConfig = {
      ...base,
      host: '127.0.0.1',
      port: 1,
      username: 'u',
      password: 'hunter2-secret',
    }
    const started = Date.now()
    const error = await new PostgresBackend(config, { tries: 3, backoffMs: 50 }).init().catch((e) => e)
    expect(Date.now() - started).toBeGreaterThanOrEqual(150) // 50 + 100 ms of backoff
    expect(error.code).toBe('connection')
    expect(error.message).toStartWith('Backend "postgres" could not connect to 127.0.0.1:1: ')
    expect(error.message).toEndWith('. Check engine.backend.config.')
    expect(error.message).not.toContain('hunter2')
  })

  test('reads host and port from the url for the message', async () => {
    const config = { ...base, url: 'postgres://me:hunter2-secret@127.0.0.1:2/db' }
    const error = await new PostgresBackend(config, { tries: 1 }).init().catch((e) => e)
    expect(error.message).toStartWith('Backend "postgres" could not connect to 127.0.0.1:2: ')
    expect(error.message).not.toContain('hunter2')
  })
})

/** The conformance suite every state backend passes (reference §5, decisions 10, 16, 18). */
import { afterEach, describe, expect, test } from 'bun:test'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { findBackend } from '../../src/backends/index.ts'
import type { Backend, DestinationCursorInput, SyncKey } from '../../src/backends/types.ts'

/** How to open a backend's store again: another instance (or process) on the same data. */
export interface StoreSpec {
  type: string
  config: Record<string, unknown>
}

export interface SuiteOptions {
  /** The spec of the store `make` gave `backend`. */
  spec(backend: Backend): StoreSpec
  /** Another process can open that store (false for in-memory databases). */
  crossProcess: boolean
}

const INDEX = join(import.meta.dir, '../../src/backends/index.ts')
const ID = /^[0-9a-f]{32}$/

export const syncKey = (stream = 'creatures', name = 'suite'): SyncKey => ({
  name,
  sourceName: 'dummy',
  streamName: stream,
})

export async function openStore(spec: StoreSpec): Promise<Backend> {
  return findBackend(spec.type)!.create(spec.config, { baseDir: process.cwd() })
}

function cursor(
  jobId: string,
  to: number,
  over: Partial<DestinationCursorInput> = {},
): DestinationCursorInput {
  return {
    ...syncKey(),
    jobId,
    destinationName: 'file',
    fromSourceIteration: to,
    toSourceIteration: to,
    rowsWritten: 10,
    success: true,
    pagination: { page: to + 1 },
    ...over,
  }
}

/** Starts a process that takes the lease of `key` and holds it until killed. */
async function leaseHolder(spec: StoreSpec, key: SyncKey) {
  const code = `
    const { findBackend } = await import(${JSON.stringify(INDEX)})
    const { spec, key } = JSON.parse(process.env.BIZON_SUITE_LEASE)
    const backend = await findBackend(spec.type).create(spec.config, { baseDir: process.cwd() })
    await backend.init()
    console.log(JSON.stringify(await backend.acquireLease(key, 'child', 60000)))
    setInterval(() => {}, 1000)`
  const child = Bun.spawn([process.execPath, '-e', code], {
    env: { ...process.env, BIZON_SUITE_LEASE: JSON.stringify({ spec, key }) },
    stdout: 'pipe',
    stderr: 'inherit',
  })
  const reader = child.stdout.getReader()
  const { value } = await reader.read()
  reader.releaseLock()
  return { child, answer: JSON.parse(new TextDecoder().decode(value)) }
}

export function backendSuite(name: string, make: () => Promise<Backend>, options?: SuiteOptions): void {
  if (!options?.crossProcess) {
    console.warn(`backend ${name}: no other process can open its store, so the dead-holder lease test skips`)
  }
  describe(`backend ${name}`, () => {
    const opened: Backend[] = []
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((backend) => backend.close()))
    })
    /** A ready backend on a fresh, empty store. */
    async function fresh(): Promise<Backend> {
      const backend = await make()
      opened.push(backend)
      await backend.init()
      return backend
    }
    async function again(backend: Backend): Promise<Backend> {
      const other = await openStore(options!.spec(backend))
      opened.push(other)
      return other
    }

    test('creates jobs with 32-hex ids, real creation times and the default status', async () => {
      const b = await fresh()
      const before = Date.now()
      const job = await b.createJob(syncKey(), { syncMode: 'full_refresh', totalRecordsToFetch: 42 })
      const after = Date.now()
      expect(job.id).toMatch(ID)
      expect(job.status).toBe('started')
      expect(job.createdAt.getTime()).toBeGreaterThanOrEqual(before)
      expect(job.createdAt.getTime()).toBeLessThanOrEqual(after)
      expect(await b.getJob(job.id)).toEqual({
        ...syncKey(),
        id: job.id,
        syncMode: 'full_refresh',
        attempt: 0,
        totalRecordsToFetch: 42,
        createdAt: job.createdAt,
        updatedAt: null,
        incrementalState: null,
        status: 'started',
        errorMessage: null,
      })
      await Bun.sleep(20)
      const later = await b.createJob(syncKey(), { syncMode: 'stream', totalRecordsToFetch: null })
      expect(later.createdAt.getTime() - job.createdAt.getTime()).toBeGreaterThanOrEqual(15)
      expect((await b.getJob(later.id))?.totalRecordsToFetch).toBeNull()
      expect(await b.getJob('0'.repeat(32))).toBeNull()
    })

    test('stores every status string and sets updated_at on each update', async () => {
      const b = await fresh()
      const job = await b.createJob(syncKey(), { syncMode: 'incremental', totalRecordsToFetch: null })
      for (const status of ['running', 'failed', 'cancelled', 'succeeded', 'started'] as const) {
        const before = Date.now()
        await b.updateJob(job.id, { status })
        const read = await b.getJob(job.id)
        expect(read?.status).toBe(status)
        expect(read?.updatedAt?.getTime()).toBeGreaterThanOrEqual(before)
      }
      const seeded = await b.createJob(syncKey(), {
        syncMode: 'stream',
        totalRecordsToFetch: 1,
        status: 'running',
      })
      expect((await b.getJob(seeded.id))?.status).toBe('running')
    })

    test('keeps the error message and incremental state as JSON', async () => {
      const b = await fresh()
      const job = await b.createJob(syncKey(), {
        syncMode: 'incremental',
        totalRecordsToFetch: null,
        status: 'running',
      })
      const state = { cursor: '2024-01-02T00:00:00Z', ids: [1, 2], done: false, none: null }
      await b.updateJob(job.id, { errorMessage: 'destination: disk full', incrementalState: state })
      let read = await b.getJob(job.id)
      expect(read).toMatchObject({
        status: 'running',
        errorMessage: 'destination: disk full',
        incrementalState: state,
      })
      await b.updateJob(job.id, { errorMessage: 'x'.repeat(400) })
      expect((await b.getJob(job.id))?.errorMessage).toBe('x'.repeat(255))
      await b.updateJob(job.id, { status: 'succeeded' })
      read = await b.getJob(job.id)
      expect(read).toMatchObject({ status: 'succeeded', errorMessage: null, incrementalState: state })
      await b.updateJob(job.id, { incrementalState: 17 })
      expect((await b.getJob(job.id))?.incrementalState).toBe(17)
    })

    test('finds the running job and the newest succeeded job of the sync only', async () => {
      const b = await fresh()
      const key = syncKey()
      expect(await b.getRunningJob(key)).toBeNull()
      expect(await b.getLastSucceededJob(key)).toBeNull()
      const first = await b.createJob(key, { syncMode: 'incremental', totalRecordsToFetch: null })
      const second = await b.createJob(key, { syncMode: 'incremental', totalRecordsToFetch: null })
      const failed = await b.createJob(key, { syncMode: 'incremental', totalRecordsToFetch: null })
      const running = await b.createJob(key, { syncMode: 'incremental', totalRecordsToFetch: null })
      // Marked in the reverse order: the newest *created* one wins, not the last updated.
      await b.updateJob(second.id, { status: 'succeeded' })
      await b.updateJob(first.id, { status: 'succeeded' })
      await b.updateJob(failed.id, { status: 'failed' })
      await b.updateJob(running.id, { status: 'running' })
      const other = await b.createJob(syncKey('plants'), {
        syncMode: 'incremental',
        totalRecordsToFetch: null,
      })
      await b.updateJob(other.id, { status: 'succeeded' })
      expect((await b.getLastSucceededJob(key))?.id).toBe(second.id)
      expect((await b.getRunningJob(key))?.id).toBe(running.id)
      expect(await b.getRunningJob(syncKey('plants'))).toBeNull()
      expect(await b.getRunningJob(syncKey('creatures', 'other-pipeline'))).toBeNull()
    })

    test('lists jobs newest first, by sync and with a limit', async () => {
      const b = await fresh()
      const ids: string[] = []
      for (let i = 0; i < 3; i++) {
        ids.push((await b.createJob(syncKey(), { syncMode: 'full_refresh', totalRecordsToFetch: i })).id)
      }
      const plants = await b.createJob(syncKey('plants'), {
        syncMode: 'full_refresh',
        totalRecordsToFetch: null,
      })
      expect((await b.listJobs()).map((job) => job.id)).toEqual([plants.id, ...ids.toReversed()])
      expect((await b.listJobs({ key: syncKey() })).map((job) => job.id)).toEqual(ids.toReversed())
      expect((await b.listJobs({ key: syncKey(), limit: 2 })).map((job) => job.id)).toEqual([ids[2], ids[1]])
      expect(await b.listJobs({ key: syncKey('none') })).toEqual([])
    })

    test('resumes from the successful cursor with the highest to_source_iteration', async () => {
      const b = await fresh()
      const job = await b.createJob(syncKey(), { syncMode: 'incremental', totalRecordsToFetch: null })
      expect(await b.getLastDestinationCursor(job.id)).toBeNull()
      await b.createSourceCursor({
        ...syncKey(),
        jobId: job.id,
        iteration: 0,
        rowsFetched: 10,
        pagination: {},
      })
      await b.createSourceCursor({
        ...syncKey(),
        jobId: job.id,
        iteration: 1,
        rowsFetched: 10,
        pagination: { page: 1 },
      })
      await b.createDestinationCursor(cursor(job.id, 5))
      const before = Date.now()
      await b.createDestinationCursor(cursor(job.id, 9, { fromSourceIteration: 6, rowsWritten: 40 }))
      await b.createDestinationCursor(cursor(job.id, 7))
      await b.createDestinationCursor(cursor(job.id, 12, { success: false, rowsWritten: 0 }))
      const last = await b.getLastDestinationCursor(job.id)
      expect(last).toEqual({
        ...cursor(job.id, 9, { fromSourceIteration: 6, rowsWritten: 40 }),
        id: expect.stringMatching(ID),
        createdAt: expect.any(Date),
      })
      expect(last!.createdAt.getTime()).toBeGreaterThanOrEqual(before)
      const other = await b.createJob(syncKey(), { syncMode: 'incremental', totalRecordsToFetch: null })
      expect(await b.getLastDestinationCursor(other.id)).toBeNull()
    })

    test('round-trips pagination JSON and stores an exhausted pagination as null', async () => {
      const b = await fresh()
      const job = await b.createJob(syncKey(), { syncMode: 'incremental', totalRecordsToFetch: null })
      const pagination = { a: true, b: false, c: null, n: 1.5, s: 'é"\'', list: [1, { x: null }] }
      await b.createDestinationCursor(cursor(job.id, 0, { pagination }))
      await b.createDestinationCursor(cursor(job.id, 1, { pagination: null }))
      await b.createDestinationCursor(cursor(job.id, 2, { pagination: {} }))
      const cursors = await b.listDestinationCursors(job.id)
      expect(cursors.map((c) => c.pagination)).toEqual([pagination, null, null])
      expect((await b.getLastDestinationCursor(job.id))?.pagination).toBeNull()
    })

    test('lists every cursor of a job, failed ones included, in iteration order', async () => {
      const b = await fresh()
      const job = await b.createJob(syncKey(), { syncMode: 'full_refresh', totalRecordsToFetch: null })
      await b.createDestinationCursor(cursor(job.id, 3, { success: false, rowsWritten: 0 }))
      await b.createDestinationCursor(cursor(job.id, 1))
      const listed = await b.listDestinationCursors(job.id)
      expect(listed.map((c) => [c.toSourceIteration, c.success])).toEqual([
        [1, true],
        [3, false],
      ])
      expect(await b.listDestinationCursors('f'.repeat(32))).toEqual([])
    })

    test('sums rows written over successful cursors only', async () => {
      const b = await fresh()
      const job = await b.createJob(syncKey(), { syncMode: 'full_refresh', totalRecordsToFetch: null })
      expect(await b.getRowsWritten(job.id)).toBe(0)
      await b.createDestinationCursor(cursor(job.id, 0, { rowsWritten: 100 }))
      await b.createDestinationCursor(cursor(job.id, 1, { rowsWritten: 23 }))
      await b.createDestinationCursor(cursor(job.id, 2, { rowsWritten: 50, success: false }))
      expect(await b.getRowsWritten(job.id)).toBe(123)
    })

    test('consumes the newest pending reset and finds it by job', async () => {
      const b = await fresh()
      const key = syncKey()
      expect(await b.getPendingReset(key)).toBeNull()
      const before = Date.now()
      const older = await b.createReset(key)
      const newer = await b.createReset(key)
      expect(newer).toEqual({
        ...key,
        id: expect.stringMatching(ID),
        requestedAt: expect.any(Date),
        consumedAt: null,
        consumedByJobId: null,
      })
      expect(older.requestedAt.getTime()).toBeGreaterThanOrEqual(before)
      expect(await b.getPendingReset(key)).toEqual(newer)
      expect(await b.getPendingReset(syncKey('plants'))).toBeNull()
      const job = await b.createJob(key, { syncMode: 'incremental', totalRecordsToFetch: null })
      expect(await b.getResetByJob(job.id)).toBeNull()
      await b.consumeReset(newer.id, job.id)
      const consumed = await b.getResetByJob(job.id)
      expect(consumed).toMatchObject({ id: newer.id, consumedByJobId: job.id })
      expect(consumed!.consumedAt!.getTime()).toBeGreaterThanOrEqual(newer.requestedAt.getTime())
      expect((await b.getPendingReset(key))?.id).toBe(older.id)
    })

    test('cancels the pending resets of one sync and counts them', async () => {
      const b = await fresh()
      const job = await b.createJob(syncKey(), { syncMode: 'incremental', totalRecordsToFetch: null })
      const consumed = await b.createReset(syncKey())
      await b.consumeReset(consumed.id, job.id)
      await b.createReset(syncKey())
      await b.createReset(syncKey())
      const plants = await b.createReset(syncKey('plants'))
      expect(await b.cancelPendingResets(syncKey())).toBe(2)
      expect(await b.getPendingReset(syncKey())).toBeNull()
      expect(await b.cancelPendingResets(syncKey())).toBe(0)
      expect((await b.getResetByJob(job.id))?.id).toBe(consumed.id)
      expect((await b.getPendingReset(syncKey('plants')))?.id).toBe(plants.id)
    })

    test('gives the lease to one holder and names it to the others', async () => {
      const b = await fresh()
      const before = Date.now()
      expect(await b.acquireLease(syncKey(), 'run-a', 30_000)).toEqual({ ok: true })
      const refused = await b.acquireLease(syncKey(), 'run-b', 30_000)
      expect(refused).toEqual({
        ok: false,
        lease: {
          ...syncKey(),
          holder: 'run-a',
          host: hostname(),
          pid: process.pid,
          acquiredAt: expect.any(Date),
          heartbeatAt: expect.any(Date),
        },
      })
      if (!refused.ok) expect(refused.lease.acquiredAt.getTime()).toBeGreaterThanOrEqual(before)
      // Leases are per sync: another stream of the same pipeline runs freely.
      expect(await b.acquireLease(syncKey('plants'), 'run-b', 30_000)).toEqual({ ok: true })
    })

    test('lets the holder take its lease again and keeps when it was first taken', async () => {
      const b = await fresh()
      await b.acquireLease(syncKey(), 'run-a', 30_000)
      const first = await b.acquireLease(syncKey(), 'run-x', 30_000)
      await Bun.sleep(5)
      expect(await b.acquireLease(syncKey(), 'run-a', 30_000)).toEqual({ ok: true })
      const second = await b.acquireLease(syncKey(), 'run-x', 30_000)
      if (first.ok || second.ok) throw new Error('run-x should have been refused')
      expect(second.lease.acquiredAt).toEqual(first.lease.acquiredAt)
      expect(second.lease.heartbeatAt.getTime()).toBeGreaterThan(first.lease.heartbeatAt.getTime())
    })

    test('hands an expired lease over, and the old holder learns it on renew', async () => {
      const b = await fresh()
      await b.acquireLease(syncKey(), 'run-a', 30_000)
      await Bun.sleep(80)
      await b.renewLease(syncKey(), 'run-a')
      expect((await b.acquireLease(syncKey(), 'run-b', 60)).ok).toBe(false)
      await Bun.sleep(80)
      expect(await b.acquireLease(syncKey(), 'run-b', 60)).toEqual({ ok: true })
      await expect(b.renewLease(syncKey(), 'run-a')).rejects.toThrow('another run took it over')
      await b.renewLease(syncKey(), 'run-b')
    })

    test('releases the lease for the holder only', async () => {
      const b = await fresh()
      await b.acquireLease(syncKey(), 'run-a', 30_000)
      await b.releaseLease(syncKey(), 'run-b')
      expect((await b.acquireLease(syncKey(), 'run-b', 30_000)).ok).toBe(false)
      await b.releaseLease(syncKey(), 'run-a')
      expect(await b.acquireLease(syncKey(), 'run-b', 30_000)).toEqual({ ok: true })
      await b.releaseLease(syncKey(), 'run-b')
      await b.releaseLease(syncKey(), 'run-b')
    })

    test.skipIf(!options?.crossProcess)(
      'takes over at once the lease of a dead process on this host',
      async () => {
        const b = await fresh()
        const { child, answer } = await leaseHolder(options!.spec(b), syncKey())
        try {
          expect(answer).toEqual({ ok: true })
          const refused = await b.acquireLease(syncKey(), 'run-a', 60_000)
          expect(refused).toMatchObject({
            ok: false,
            lease: { holder: 'child', host: hostname(), pid: child.pid },
          })
        } finally {
          child.kill('SIGKILL')
          await child.exited
        }
        expect(await b.acquireLease(syncKey(), 'run-a', 60_000)).toEqual({ ok: true })
      },
    )

    test('init is idempotent and keeps the data', async () => {
      const b = await fresh()
      const job = await b.createJob(syncKey(), { syncMode: 'full_refresh', totalRecordsToFetch: null })
      await b.init()
      expect((await b.getJob(job.id))?.id).toBe(job.id)
      if (!options) return
      const other = await again(b)
      await other.init()
      expect((await other.getJob(job.id))?.id).toBe(job.id)
    })

    test('ten backends initialising the same fresh store at once all succeed', async () => {
      const b = await make()
      opened.push(b)
      const others = options ? await Promise.all(Array.from({ length: 9 }, () => again(b))) : []
      await Promise.all([b, ...others].map((backend) => backend.init()))
      const job = await b.createJob(syncKey(), { syncMode: 'full_refresh', totalRecordsToFetch: null })
      for (const other of others) expect((await other.getJob(job.id))?.id).toBe(job.id)
    })
  })
}

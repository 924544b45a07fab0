import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import type { Backend } from '../../src/backends/types.ts'
import { createApp } from '../../src/server/app.ts'
import { LiveRuns } from '../../src/server/live.ts'
import { syncKeyId } from '../../src/server/state.ts'
import { tempDir } from '../helpers/tmp.ts'
import { key, openBackend, runInfo, ScriptedRun, seedJob } from './fixtures.ts'

let backend: Backend
const live = new LiveRuns()
let running: ScriptedRun

beforeAll(async () => {
  backend = await openBackend(tempDir())
  await seedJob(backend, key('orders', 'shop', 'orders'), {
    batches: [100, 200],
    end: 'succeeded',
    syncMode: 'incremental',
  })
  await seedJob(backend, key('broken'), {
    batches: [50],
    end: 'failed',
    error: 'destination: disk full on /data',
  })
  running = await new ScriptedRun(backend, live.observer(), runInfo('live_one', { total: 1000 })).start()
  await running.batch(120)
  await running.batch(80)
})
afterAll(() => backend.close())

const app = () => createApp({ backend, live, secrets: ['s3cr3t-value'] })

describe('JSON API', () => {
  test('lists every pipeline with its status, records and last success', async () => {
    const res = await app().request('/api/pipelines')
    expect(res.status).toBe(200)
    const { pipelines } = (await res.json()) as { pipelines: any[] }
    const byName = Object.fromEntries(pipelines.map((p) => [p.name, p]))
    expect(Object.keys(byName).sort()).toEqual(['broken', 'live_one', 'orders'])
    expect(byName.orders).toMatchObject({
      status: 'succeeded',
      records: 300,
      destination: 'file',
      syncMode: 'incremental',
    })
    expect(byName.orders.lastSuccessAt).toBeString()
    expect(byName.orders.lagSeconds).toBeGreaterThanOrEqual(0)
    // decision 2: running + error_message and no live run = failed, with its stage
    expect(byName.broken).toMatchObject({ status: 'failed', live: false, lastSuccessAt: null })
    expect(byName.broken.error).toEqual({ stage: 'destination', message: 'disk full on /data' })
    expect(byName.live_one).toMatchObject({ status: 'running', live: true, records: 200, total: 1000 })
  })

  test('a failed job resumed by another process shows as running again once it writes', async () => {
    const sync = key('resumed_elsewhere')
    const job = await seedJob(backend, sync, { batches: [10], end: 'failed', error: 'source: timeout' })
    const statusOf = async () =>
      ((await (await app().request('/api/pipelines')).json()) as any).pipelines.find(
        (p: any) => p.name === sync.name,
      )
    expect((await statusOf()).status).toBe('failed')
    await Bun.sleep(5)
    await backend.createDestinationCursor({
      ...sync,
      jobId: job.id,
      destinationName: 'file',
      fromSourceIteration: 1,
      toSourceIteration: 1,
      rowsWritten: 7,
      success: true,
      pagination: {},
    })
    expect(await statusOf()).toMatchObject({ status: 'running', error: null, records: 17 })
  })

  test('a job page shows cursors, timeline and live gauges', async () => {
    const res = await app().request(`/api/jobs/${running.job.id}`)
    const detail = (await res.json()) as any
    expect(detail.job.shownStatus).toBe('running')
    expect(detail.rowsWritten).toBe(200)
    expect(detail.cursors.map((c: any) => c.rowsWritten)).toEqual([120, 80])
    expect(detail.live).toMatchObject({
      queueDepth: 3,
      bufferBytes: 4096,
      bufferRecords: 20,
      bufferCapacity: 1024 * 1024,
    })
    expect(detail.timeline[0].label).toBe('Job created')
    expect(detail.config.source.authentication.params.token).toBe('env://DUMMY_TOKEN')
    expect((await app().request('/api/jobs/0123')).status).toBe(404)
  })

  test('healthz answers without a token', async () => {
    const res = await createApp({ backend, token: 't0ken-123' }).request('/healthz')
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ ok: true })
  })

  test('a secret value is masked in every answer', async () => {
    const job = await seedJob(backend, key('leaky'), {
      batches: [],
      end: 'failed',
      error: 'source: 401 for s3cr3t-value',
    })
    const text = await (await app().request(`/api/jobs/${job.id}`)).text()
    expect(text).not.toContain('s3cr3t-value')
    expect(text).toContain('401 for ***')
  })
})

describe('token', () => {
  const guarded = () => createApp({ backend, token: 't0ken-123' })
  test('every request but /healthz needs it', async () => {
    for (const path of ['/', '/api/pipelines', '/metrics', '/jobs/x']) {
      const res = await guarded().request(path)
      expect(res.status).toBe(401)
      expect(await res.text()).not.toContain('t0ken-123')
    }
    expect(
      (await guarded().request('/api/pipelines', { headers: { authorization: 'Bearer wrong' } })).status,
    ).toBe(401)
  })
  test('accepted as a Bearer header or ?token= on GET', async () => {
    expect(
      (await guarded().request('/api/pipelines', { headers: { authorization: 'Bearer t0ken-123' } })).status,
    ).toBe(200)
    expect((await guarded().request('/?token=t0ken-123')).status).toBe(200)
  })
  test('not from the query string on actions', async () => {
    const k = syncKeyId(key('orders', 'shop', 'orders'))
    const res = await guarded().request(`/api/pipelines/${k}/reset?token=t0ken-123`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
    })
    expect(res.status).toBe(401)
  })
  test('without a token, a non-loopback Host is refused (DNS rebinding)', async () => {
    const res = await app().request('http://evil.example.com/api/pipelines')
    expect(res.status).toBe(403)
    expect((await app().request('http://127.0.0.1:7878/api/pipelines')).status).toBe(200)
  })
})

describe('reset action', () => {
  const post = (k: string, init: RequestInit = {}) =>
    app().request(`/api/pipelines/${k}/reset`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      ...init,
    })

  test('queues one reset of an incremental stream, idempotently', async () => {
    const sync = key('orders', 'shop', 'orders')
    const first = await post(syncKeyId(sync))
    expect(first.status).toBe(201)
    expect(((await first.json()) as any).message).toBe(
      'Reset requested for shop - orders. The next run will re-fetch the full stream, replace the destination table, and resume incremental from there.',
    )
    expect(await backend.getPendingReset(sync)).not.toBeNull()
    const second = await post(syncKeyId(sync))
    expect(second.status).toBe(200)
    expect(((await second.json()) as any).message).toBe(
      'A reset is already pending for shop - orders, nothing to do.',
    )
    expect(await backend.cancelPendingResets(sync)).toBe(1)
  })

  test('refuses a full refresh stream', async () => {
    const res = await post(syncKeyId(key('broken')))
    expect(res.status).toBe(409)
    expect(((await res.json()) as any).error).toContain(
      "Only incremental streams can be reset, but sync_mode is 'full_refresh'",
    )
    expect(await backend.getPendingReset(key('broken'))).toBeNull()
  })

  test('a cross-site form cannot trigger it', async () => {
    const sync = key('orders', 'shop', 'orders')
    const form = await post(syncKeyId(sync), {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    })
    expect(form.status).toBe(415)
    const cross = await post(syncKeyId(sync), {
      headers: { 'content-type': 'application/json', origin: 'http://evil.example.com', host: 'localhost' },
    })
    expect(cross.status).toBe(403)
    expect(await backend.getPendingReset(sync)).toBeNull()
  })
})

describe('/metrics', () => {
  test('renders live and backend-derived series', async () => {
    const res = await app().request('/metrics')
    expect(res.headers.get('content-type')).toContain('text/plain; version=0.0.4')
    const text = await res.text()
    const labels = 'pipeline="live_one",source="dummy",stream="creatures",destination="file"'
    expect(text).toContain(`bizon_records_written_total{${labels}} 200`)
    expect(text).toContain(`bizon_records_extracted_total{${labels}} 200`)
    expect(text).toContain(`bizon_batches_flushed_total{${labels}} 2`)
    expect(text).toContain(`bizon_queue_depth{${labels}} 3`)
    expect(text).toContain(`bizon_destination_write_duration_seconds_count{${labels}} 2`)
    expect(text).toContain(
      'bizon_job_records_written{pipeline="orders",source="shop",stream="orders",destination="file"} 300',
    )
    expect(text).toContain(
      'bizon_job_status{pipeline="broken",source="dummy",stream="creatures",destination="file",status="failed"} 1',
    )
    expect(text).toMatch(/bizon_last_success_timestamp_seconds\{pipeline="orders",[^}]*\} \d+/)
    expect(text.match(/^# TYPE bizon_job_status gauge$/gm)).toHaveLength(1)
  })
})

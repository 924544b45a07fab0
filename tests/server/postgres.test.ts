/** `bizon serve` over PostgreSQL: the page reads what other processes record in the shared backend. */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import postgres from 'postgres'
import { findBackend } from '../../src/backends/index.ts'
import type { Backend } from '../../src/backends/types.ts'
import { createApp } from '../../src/server/app.ts'
import { hasPg, pgUrl } from '../helpers/services.ts'
import { parsePrometheus } from '../observe/prometheus.ts'
import { key, seedJob } from './fixtures.ts'

const available = await hasPg()
const schema = `bizon_status_${crypto.randomUUID().slice(0, 8)}`
const open = async () => {
  const backend = await findBackend('postgres')!.create({ url: pgUrl(), schema }, { baseDir: '.' })
  await backend.init()
  return backend
}
let reader: Backend
let writer: Backend

beforeAll(async () => {
  if (!available) return
  reader = await open()
  writer = await open()
})
afterAll(async () => {
  if (!available) return
  await reader.close()
  await writer.close()
  const sql = postgres(pgUrl(), { max: 1, onnotice: () => {} })
  await sql.unsafe(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
  await sql.end()
})

describe.skipIf(!available)('status over postgres', () => {
  test('pipelines, job detail and metrics written by another connection', async () => {
    const done = await seedJob(writer, key('pg_done', 'shop', 'orders'), {
      batches: [40, 2],
      end: 'succeeded',
    })
    await seedJob(writer, key('pg_failed'), {
      batches: [],
      end: 'failed',
      error: 'transform: x is undefined',
    })
    const app = createApp({ backend: reader })
    const { pipelines } = (await (await app.request('/api/pipelines')).json()) as { pipelines: any[] }
    expect(pipelines.map((p) => [p.name, p.status, p.records, p.error?.stage ?? null])).toEqual([
      ['pg_done', 'succeeded', 42, null],
      ['pg_failed', 'failed', 0, 'transform'],
    ])
    const detail = (await (await app.request(`/api/jobs/${done.id}`)).json()) as any
    expect(detail.cursorCount).toBe(2)
    expect(detail.progress.at(-1)[1]).toBe(42)
    const metrics = parsePrometheus(await (await app.request('/metrics')).text())
    expect(
      metrics.get(
        'bizon_job_records_written{pipeline="pg_done",source="shop",stream="orders",destination="file"}',
      ),
    ).toBe(42)
  })
})

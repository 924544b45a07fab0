/**
 * Past one machine: synthetic → nats queue → file with producer and consumer as separate
 * processes and a PostgreSQL backend; consumer killed, NATS restarted, PostgreSQL restarted.
 */
import { describe, expect, setDefaultTimeout, test } from 'bun:test'
import { join } from 'node:path'
import postgres from 'postgres'
import { runCli, spawnCli } from '../helpers/cli.ts'
import { sourceIds, writePipeline } from '../helpers/pipeline.ts'
import {
  canRestartNats,
  canRestartPg,
  hasNats,
  hasPg,
  natsUrl,
  pgUrl,
  startNats,
  startPg,
  stopNats,
  stopPg,
} from '../helpers/services.ts'
import { tempDir } from '../helpers/tmp.ts'

setDefaultTimeout(120_000)

const RECORDS = 6000
const ready = (await hasNats()) && (await hasPg())
if (!ready)
  console.warn('skipping distributed tests: NATS or PostgreSQL is not reachable (./scripts/test starts both)')

function pipeline(name: string, schema: string, sleepMs: number) {
  return `name: ${name}
source:
  name: synthetic
  stream: records
  sync_mode: incremental
  records: ${RECORDS}
  page_size: 100
  sleep_ms: ${sleepMs}
destination:
  name: file
  config:
    destination_id: out
    buffer_size: 0
engine:
  queue:
    type: nats
    config:
      servers: ${natsUrl()}
      max_bytes: 64MB
  backend:
    type: postgres
    config:
      url: env://BIZON_TEST_BACKEND_URL
      schema: ${schema}
`
}

async function rowsWritten(schema: string): Promise<number> {
  const sql = postgres(pgUrl(), { max: 1, onnotice: () => {} })
  try {
    const [row] = await sql.unsafe(
      `select coalesce(sum(rows_written), 0)::int as n from "${schema}".destination_cursors where success`,
    )
    return row?.n ?? 0
  } catch {
    return 0
  } finally {
    await sql.end({ timeout: 1 })
  }
}

async function dropSchema(schema: string) {
  const sql = postgres(pgUrl(), { max: 1, onnotice: () => {} })
  await sql.unsafe(`drop schema if exists "${schema}" cascade`).catch(() => {})
  await sql.end({ timeout: 1 })
}

async function waitForRows(schema: string, atLeast: number, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs
  while ((await rowsWritten(schema)) < atLeast) {
    if (Date.now() > deadline) throw new Error(`fewer than ${atLeast} rows written after ${timeoutMs} ms`)
    await Bun.sleep(100)
  }
}

function expectAllRecords(dir: string) {
  const ids = sourceIds(join(dir, 'out.json'))
  expect(new Set(ids).size).toBe(RECORDS)
  return ids
}

describe.skipIf(!ready)('nats queue + postgres backend, producer and consumer apart', () => {
  const env = { BIZON_TEST_BACKEND_URL: pgUrl() }
  const unique = () => `e2e_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 6)}`

  test('two processes; the consumer is killed mid-run and restarted: every record, job succeeded', async () => {
    const dir = tempDir()
    const name = unique()
    writePipeline(dir, 'p.yml', pipeline(name, name, 5))
    const producer = spawnCli(['run', 'p.yml', '--role', 'producer'], { cwd: dir, env })
    const consumer = spawnCli(['run', 'p.yml', '--role', 'consumer'], { cwd: dir, env })
    await waitForRows(name, 1000)
    consumer.kill('SIGKILL')
    await consumer.exited
    const restarted = await runCli(['run', 'p.yml', '--role', 'consumer'], {
      cwd: dir,
      env,
      timeoutMs: 90_000,
    })
    expect(restarted.stderr).toContain('Consuming job')
    expect(restarted.code).toBe(0)
    expect((await producer.exited).code).toBe(0)
    const ids = expectAllRecords(dir)
    // at-least-once: only pages written but not committed when the consumer died come twice
    expect(ids.length - RECORDS).toBeLessThanOrEqual(100)
    await dropSchema(name)
  })

  test.skipIf(!canRestartNats())('nats-server restarted mid-run loses nothing', async () => {
    const dir = tempDir()
    const name = unique()
    writePipeline(dir, 'p.yml', pipeline(name, name, 5))
    const run = spawnCli(['run', 'p.yml'], { cwd: dir, env })
    await waitForRows(name, 1000)
    await stopNats()
    await Bun.sleep(1000)
    await startNats()
    const result = await run.exited
    if (result.code !== 0) {
      // a run may give up while the broker is away: the next run resumes without loss
      expect(result.stderr).toContain('Error')
      expect((await runCli(['run', 'p.yml'], { cwd: dir, env, timeoutMs: 90_000 })).code).toBe(0)
    }
    expectAllRecords(dir)
    await dropSchema(name)
  })

  test.skipIf(!canRestartPg())(
    'postgres (backend) stopped and started mid-run: the rerun completes',
    async () => {
      const dir = tempDir()
      const name = unique()
      writePipeline(dir, 'p.yml', pipeline(name, name, 5))
      const run = spawnCli(['run', 'p.yml'], { cwd: dir, env })
      await waitForRows(name, 1000)
      await stopPg('fast')
      await Bun.sleep(1500)
      await startPg()
      const result = await run.exited
      if (result.code !== 0) {
        expect(result.stderr).toMatch(/Pipeline finished with status Failure|could not/)
        const rerun = await runCli(['run', 'p.yml'], { cwd: dir, env, timeoutMs: 90_000 })
        expect(rerun.code).toBe(0)
      }
      expectAllRecords(dir)
      await dropSchema(name)
    },
  )
})

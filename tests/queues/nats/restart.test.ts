/**
 * A nats-server killed and restarted (same store dir) while pages are being published and consumed:
 * every page arrives once, in order. Runs its own throwaway nats-server on a free port.
 */
import { afterAll, expect, test } from 'bun:test'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Subprocess } from 'bun'
import * as v from 'valibot'
import { NatsQueueConfig } from '../../../src/queues/nats/index.ts'
import { createNatsQueue } from '../../../src/queues/nats/queue.ts'
import type { PageMessage } from '../../../src/queues/types.ts'
import { page, quietLogger } from '../../conformance/queue.suite.ts'
import { tempDir } from '../../helpers/tmp.ts'

const bin = ['/usr/sbin/nats-server', Bun.which('nats-server')].find((p) => p && existsSync(p))
if (!bin) console.warn('nats-server is not installed: skipping the restart test. ./scripts/test installs it.')

const dir = tempDir('bizon-nats-restart-')
const port = await freePort()
let server: Subprocess | undefined

async function freePort(): Promise<number> {
  const listener = Bun.listen({ hostname: '127.0.0.1', port: 0, socket: { data() {} } })
  const { port } = listener
  listener.stop(true)
  return port
}

async function startServer(): Promise<void> {
  const log = join(dir, `server-${Date.now()}.log`)
  server = Bun.spawn(
    [bin!, '-js', '-sd', join(dir, 'store'), '-a', '127.0.0.1', '-p', String(port), '-l', log],
    {
      stdio: ['ignore', 'ignore', 'ignore'],
    },
  )
  const deadline = Date.now() + 10_000
  while (!(existsSync(log) && readFileSync(log, 'utf8').includes('Server is ready'))) {
    if (Date.now() > deadline) throw new Error(`nats-server did not start: ${readFileSync(log, 'utf8')}`)
    await Bun.sleep(20)
  }
}

async function killServer(): Promise<void> {
  server?.kill('SIGKILL')
  await server?.exited
}

afterAll(killServer)

test.skipIf(!bin)(
  'a nats-server restart mid-run loses nothing and duplicates nothing',
  async () => {
    await startServer()
    const warnings: string[] = []
    const config = v.parse(NatsQueueConfig, {
      servers: `nats://127.0.0.1:${port}`,
      max_bytes: '256MB',
      publish_timeout: '1s',
      max_in_flight: 32,
    })
    const ctx = {
      pipeline: 'restart',
      source: 'synthetic',
      stream: 'rows',
      jobId: crypto.randomUUID().replaceAll('-', ''),
      logger: { ...quietLogger, warn: (m: string) => warnings.push(m) },
      signal: new AbortController().signal,
    }
    const producer = createNatsQueue(config, ctx)
    const consumer = createNatsQueue(config, ctx)
    await producer.connect()
    await consumer.connect()
    const pages = 600

    let produced = 0
    const producing = (async () => {
      for (let i = 0; i < pages; i++, produced++) {
        await producer.put(page(i, 20))
        if (i % 10 === 9) await Bun.sleep(20) // spread the run over the outage
      }
      await producer.put({ type: 'end', iteration: pages, outcome: 'success' })
      await producer.close()
    })()

    const seen: number[] = []
    const records: string[] = []
    const consuming = (async () => {
      for (;;) {
        const message = await consumer.get(AbortSignal.timeout(60_000))
        seen.push(message.iteration)
        if (message.type === 'end') break
        for (const r of (message as PageMessage).records) records.push(String(r.id))
        if (message.iteration % 10 === 9) await consumer.ack(message.iteration)
      }
      await consumer.ack(pages)
    })()

    while (seen.length < 100) await Bun.sleep(5)
    const producedAtKill = produced
    await killServer()
    await Bun.sleep(1000)
    await startServer()
    await Promise.all([producing, consuming])
    await consumer.close()

    if (process.env.BIZON_TEST_VERBOSE) console.log(producedAtKill, warnings)
    expect(producedAtKill).toBeLessThan(pages / 2) // the server died mid-publish
    expect(warnings.some((w) => w.includes('disconnected'))).toBe(true)
    expect(seen).toEqual(Array.from({ length: pages + 1 }, (_, i) => i))
    expect(new Set(records).size).toBe(pages * 20)
    expect(records.length).toBe(pages * 20)
  },
  90_000,
)

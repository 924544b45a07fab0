import { describe, expect, test } from 'bun:test'
import { jetstream, jetstreamManager } from '@nats-io/jetstream'
import { connect } from '@nats-io/transport-node'
import postgres from 'postgres'
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

const suffix = Math.random().toString(36).slice(2, 8)

describe('reachability checks', () => {
  test('a port nobody listens on is reported unreachable', async () => {
    const saved = process.env.BIZON_TEST_PG_URL
    const server = Bun.listen({ hostname: '127.0.0.1', port: 0, socket: { data() {} } })
    const port = server.port
    server.stop(true)
    process.env.BIZON_TEST_PG_URL = `postgres://postgres:secret@127.0.0.1:${port}/x`
    try {
      expect(await hasPg()).toBe(false)
    } finally {
      if (saved === undefined) delete process.env.BIZON_TEST_PG_URL
      else process.env.BIZON_TEST_PG_URL = saved
    }
  })
})

// Fault tests: only against the throwaway servers of ./scripts/test, never the machine's own.
describe.skipIf(!canRestartNats() || !(await hasNats()))('NATS stop and restart', () => {
  test('a stream and its messages survive a SIGKILL of the server', async () => {
    const stream = `scripts_${suffix}`
    let nc = await connect({ servers: natsUrl() })
    const jsm = await jetstreamManager(nc)
    await jsm.streams.add({ name: stream, subjects: [`${stream}.>`], max_bytes: 1024 * 1024 })
    await jetstream(nc).publish(`${stream}.a`, 'hello')
    await nc.close()

    try {
      await stopNats('SIGKILL')
      expect(await hasNats()).toBe(false)
    } finally {
      await startNats() // later test files need the server back, whatever happened here
    }

    nc = await connect({ servers: natsUrl() })
    try {
      const info = await (await jetstreamManager(nc)).streams.info(stream)
      expect(info.state.messages).toBe(1)
      await (await jetstreamManager(nc)).streams.delete(stream)
    } finally {
      await nc.close()
    }
  })
})

describe.skipIf(!canRestartPg() || !(await hasPg()))('PostgreSQL stop and restart', () => {
  test('a committed row survives an immediate (crash) stop', async () => {
    const table = `scripts_${suffix}`
    let sql = postgres(pgUrl(), { max: 1, onnotice: () => {} })
    await sql`create table ${sql(table)} (id int primary key)`
    await sql`insert into ${sql(table)} values (1)`
    await sql.end()

    try {
      await stopPg('immediate')
      expect(await hasPg()).toBe(false)
    } finally {
      await startPg()
    }

    sql = postgres(pgUrl(), { max: 1, onnotice: () => {} })
    try {
      const rows = await sql`select id from ${sql(table)}`
      expect([...rows]).toEqual([{ id: 1 }])
      await sql`drop table ${sql(table)}`
    } finally {
      await sql.end()
    }
  })
})

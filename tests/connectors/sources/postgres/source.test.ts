/** The postgres source against the test PostgreSQL: full refresh, keyset incremental with state, queries, errors. */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import postgres from 'postgres'
import * as v from 'valibot'
import decl, { listStreams } from '../../../../connectors/sources/postgres/index.ts'
import type { SyncMode } from '../../../../src/index.ts'
import { hasPg, pgUrl } from '../../../helpers/services.ts'
import { readAll, sourceContext, uniqueName } from './drive.ts'

const available = await hasPg()
const schema = uniqueName('bizon_pgsrc')
const sql = postgres(pgUrl(), { max: 1, onnotice: () => {} })

beforeAll(async () => {
  if (!available) return
  await sql.unsafe(`CREATE SCHEMA "${schema}"; SET search_path TO "${schema}"`)
  await sql.unsafe(`CREATE TABLE "${schema}".events (
      id int PRIMARY KEY, kind text, amount numeric, big int8, payload jsonb, updated_at timestamptz)`)
  // 50 rows sharing 3 cursor values (microsecond precision), so page boundaries fall inside runs of equal cursors.
  await sql.unsafe(`INSERT INTO "${schema}".events
      SELECT i, 'k' || (i % 3), i * 1.5, 9007199254740993 + i, jsonb_build_object('i', i, 'tag', E'a\\tb'),
             '2024-01-01 00:00:00.000001+00'::timestamptz + (i % 3) * interval '1 microsecond'
        FROM generate_series(1, 50) i`)
  await sql.unsafe(`CREATE TABLE "${schema}".nokey (name text, n int)`)
  await sql.unsafe(`INSERT INTO "${schema}".nokey SELECT 'n' || i, i FROM generate_series(1, 12) i`)
})
afterAll(async () => {
  if (available) await sql.unsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
  await sql.end()
})

async function open(own: Record<string, unknown>, syncMode: SyncMode = 'full_refresh', cursor?: string) {
  const stream = (own.stream as string) ?? 'events'
  const { stream: _, ...rest } = own
  const config = {
    ...v.parse(decl.config!, { url: pgUrl(), schema, ...rest }),
    name: 'postgres',
    stream,
    sync_mode: syncMode,
    cursor_field: cursor,
  }
  return decl.create(config as never, sourceContext(stream, syncMode))
}

describe.skipIf(!available)('postgres source', () => {
  test('a full refresh reads every row of the stream-named table, once, with JSON-safe values', async () => {
    const source = await open({ page_size: 7 })
    const { records, pages } = await readAll(source, 'events')
    expect(records.map((r) => r.id)).toEqual(Array.from({ length: 50 }, (_, i) => String(i + 1)))
    expect(pages.length).toBe(8)
    const first = JSON.parse(JSON.stringify(records[0].data))
    expect(first).toEqual({
      id: 1,
      kind: 'k1',
      amount: '1.5',
      big: '9007199254740994',
      payload: { i: 1, tag: 'a\tb' },
      updated_at: '2024-01-01T00:00:00.000Z',
    })
    expect(await source.total?.()).toBe(50)
    await source.close?.()
  })

  test('incremental keyset pagination loses and repeats nothing across equal cursor values, even when resumed', async () => {
    const source = await open({ page_size: 7 }, 'incremental', 'updated_at')
    const all = await readAll(source, 'events')
    const ids = all.records.map((r) => Number(r.id))
    expect([...ids].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1))
    // Ordered by (updated_at, id): first the 16 rows with i % 3 = 0, then 17 with 1, then 17 with 2.
    expect(ids.slice(0, 3)).toEqual([3, 6, 9])
    expect(all.records[0].timestamp?.toISOString()).toBe('2024-01-01T00:00:00.000Z')
    // A crash after any page resumes from its stored pagination with exactly the remaining rows.
    for (let k = 0; k < all.pages.length - 1; k++) {
      const rest = await readAll(source, 'events', { pagination: all.pages[k].next! })
      const done = all.pages.slice(0, k + 1).flatMap((p) => p.records).length
      expect(rest.records.map((r) => Number(r.id))).toEqual(ids.slice(done))
    }
    expect(all.state).toEqual({
      cursor_field: 'updated_at',
      cursor: '2024-01-01 00:00:00.000003+00',
      key: ['50'],
    })
    await source.close?.()
  })

  test('the next incremental run reads only rows after the stored state; an empty run keeps the state', async () => {
    const source = await open({ page_size: 4 }, 'incremental', 'updated_at')
    const first = await readAll(source, 'events')
    await sql.unsafe(
      `UPDATE "${schema}".events SET updated_at = '2024-02-01', kind = 'changed' WHERE id IN (7, 8)`,
    )
    await sql.unsafe(
      `INSERT INTO "${schema}".events (id, kind, updated_at) VALUES (51, 'new', '2024-02-01'), (52, 'null cursor', NULL)`,
    )
    const lastRun = new Date()
    const second = await readAll(source, 'events', {
      incremental: { lastRun, state: first.state, cursorField: 'updated_at' },
    })
    expect(second.records.map((r) => r.id)).toEqual(['7', '8', '51'])
    expect(second.records[0].data.kind).toBe('changed')
    const third = await readAll(source, 'events', {
      incremental: { lastRun, state: second.state, cursorField: 'updated_at' },
    })
    expect(third.records).toEqual([])
    expect(third.state).toEqual(second.state)
    // Without a state (an older job), rows changed after the previous run's start are read.
    const byWatermark = await readAll(source, 'events', {
      incremental: { lastRun: new Date('2024-01-15T00:00:00Z'), state: undefined, cursorField: 'updated_at' },
    })
    expect(byWatermark.records.map((r) => r.id)).toEqual(['7', '8', '51'])
    await source.close?.()
    await sql.unsafe(`DELETE FROM "${schema}".events WHERE id > 50`)
  })

  test('a full refresh with a cursor_field keeps the highest cursor as state for the next incremental run', async () => {
    const source = await open({ page_size: 20 }, 'full_refresh', 'updated_at')
    const { state } = await readAll(source, 'events')
    expect(state).toEqual({ cursor_field: 'updated_at', cursor: '2024-02-01 00:00:00+00' })
    await source.close?.()
  })

  test('a query is paginated by its primary_key; incremental needs one', async () => {
    const query = `SELECT id, kind FROM "${schema}".events WHERE kind = 'k0'`
    const source = await open({ query, primary_key: ['id'], page_size: 5 })
    const { records } = await readAll(source, 'any')
    expect(records.length).toBe(16)
    expect(records[0].data).toEqual({ id: 3, kind: 'k0' })
    await source.close?.()
    const keyless = await open({ query, page_size: 5 }, 'incremental', 'id')
    await expect(keyless.read({ stream: 'any', pagination: {} })).rejects.toThrow(
      'source.primary_key is required to read the query incrementally.',
    )
    await keyless.close?.()
  })

  test('a table without a primary key is paged by row id (ctid), also incrementally', async () => {
    const source = await open({ stream: 'nokey', page_size: 5 })
    const { records } = await readAll(source, 'nokey')
    expect(records.map((r) => r.data.n)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1))
    expect(records[0].id).toBe('(0,1)')
    await source.close?.()
    await sql.unsafe(`UPDATE "${schema}".nokey SET n = 5 WHERE n > 5`)
    const incremental = await open({ stream: 'nokey', page_size: 5 }, 'incremental', 'n')
    const all = await readAll(incremental, 'nokey')
    expect(all.records.map((r) => r.data.name).sort()).toEqual(
      Array.from({ length: 12 }, (_, i) => `n${i + 1}`).sort(),
    )
    expect(new Set(all.records.map((r) => r.id)).size).toBe(12)
    expect(all.state).toMatchObject({ cursor_field: 'n', cursor: '5' })
    await incremental.close?.()
  })

  test('a missing table or column is named in the error', async () => {
    const missing = await open({ table: 'nope' })
    await expect(missing.read({ stream: 'events', pagination: {} })).rejects.toThrow(
      `Source "postgres" could not read table "${schema}"."nope": relation "${schema}.nope" does not exist. Check source.table.`,
    )
    await missing.close?.()
    const badCursor = await open({}, 'incremental', 'changed_at')
    await expect(badCursor.read({ stream: 'events', pagination: {} })).rejects.toThrow(
      `source.cursor_field: column "changed_at" is not in table "${schema}"."events".`,
    )
    await badCursor.close?.()
  })

  test('listStreams discovers the tables of the schema', async () => {
    const streams = await listStreams({ url: pgUrl(), schema, page_size: 1 })
    expect(Object.keys(streams)).toEqual(['events', 'nokey'])
    expect(streams.nokey.description).toContain('without a primary key')
  })

  test('a refused connection names host:port and the key to check', async () => {
    const error = await open({ url: 'postgres://someone:s3cr3t-pass@127.0.0.1:1/db' }).catch((e) => e)
    expect(error.message).toMatch(
      /^Source "postgres" could not connect to 127\.0\.0\.1:1: .+\. Check source\.url\.$/,
    )
    expect(error.message).not.toContain('s3cr3t-pass')
  })
})

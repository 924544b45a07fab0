/**
 * The COPY the postgres destination keeps open between flushes: pages stream into it, a row the
 * server refuses fails the next write or the flush (never hangs; bun test fails a test that leaves
 * an unhandled rejection), and closing with a COPY open rolls back.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import postgres from 'postgres'
import decl from '../../../../connectors/destinations/postgres/index.ts'
import type { Destination, DestinationContext, DestinationRecord } from '../../../../src/index.ts'
import { makeRecords } from '../../../conformance/destination.suite.ts'
import { hasPg, pgUrl } from '../../../helpers/services.ts'
import { destinationContext, openDestination, uniqueName } from '../../sources/postgres/drive.ts'

const available = await hasPg()
const schema = uniqueName('bizon_pgcopy')
const sql = postgres(pgUrl(), { max: 1, onnotice: () => {} })
beforeAll(async () => {
  if (available) await sql.unsafe(`CREATE SCHEMA IF NOT EXISTS "${schema}"`)
})
afterAll(async () => {
  if (available) await sql.unsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
  await sql.end()
})

const ROLLED_BACK =
  /^Destination "postgres" could not write to "bizon_pgcopy_[^"]+"\."([^"]+)" \(the rows written since the last flush were rolled back\): /

const open = (ctx: DestinationContext) => openDestination(decl, { url: pgUrl(), schema }, {}, ctx)

/** An envelope table made by hand with a CHECK: the destination keeps it (CREATE TABLE IF NOT EXISTS). */
async function checkedTable(table: string): Promise<void> {
  await sql.unsafe(
    `CREATE TABLE "${schema}"."${table}" (bizon_id text, bizon_extracted_at timestamptz, bizon_loaded_at timestamptz,
      source_record_id text CHECK (source_record_id NOT LIKE 'bad%'), source_timestamp timestamptz, source_data jsonb)`,
  )
}

async function count(table: string): Promise<number> {
  return (await sql.unsafe(`SELECT count(*)::int AS n FROM "${schema}"."${table}"`))[0].n
}

/** Records of ~`bytes` of source_data each. */
function big(prefix: string, n: number, bytes: number): DestinationRecord[] {
  const filler = 'x'.repeat(bytes)
  return makeRecords(prefix, n).map((r) => ({
    ...r,
    source_data: JSON.stringify({ id: r.source_record_id, filler }),
  }))
}

/** Sessions holding a lock on `table`, with their state. */
async function holders(table: string): Promise<string[]> {
  const rows = await sql.unsafe(
    `SELECT a.state FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE l.relation = $1::regclass AND l.pid <> pg_backend_pid()`,
    [`"${schema}"."${table}"`],
  )
  return rows.map((r) => r.state as string)
}

/** Waits until the server has refused the COPY into `table`: its session is then in an aborted transaction. */
async function untilRefused(table: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const rows = await sql.unsafe(
      `SELECT 1 FROM pg_stat_activity WHERE state = 'idle in transaction (aborted)' AND query LIKE $1`,
      [`COPY "${schema}"."${table}" %`],
    )
    if (rows.length > 0) return
    await Bun.sleep(10)
  }
  throw new Error('the server never refused the COPY')
}

/** Writes then flushes; the error the destination threw, or undefined. */
async function writeAndFlush(dest: Destination, pages: DestinationRecord[][], id: string): Promise<unknown> {
  try {
    for (const page of pages) await dest.write(page, { destinationId: id })
    await dest.flush?.()
  } catch (error) {
    return error
  }
}

describe.skipIf(!available)('postgres destination: the open COPY', () => {
  test('pages larger than the socket buffers stream through one COPY per flush; every row lands once', async () => {
    const ctx = destinationContext(uniqueName('big'), 'incremental')
    const dest = await open(ctx)
    const pages = [big('a', 4000, 1000), big('b', 4000, 1000), big('c', 10, 10)]
    expect(await writeAndFlush(dest, pages, ctx.destinationId)).toBeUndefined()
    expect(await writeAndFlush(dest, [big('d', 3000, 1000)], ctx.destinationId)).toBeUndefined()
    await dest.close?.()
    expect(await count(ctx.destinationId)).toBe(11_010)
    const sample = await sql.unsafe(
      `SELECT source_data->>'id' AS id FROM "${schema}"."${ctx.destinationId}" WHERE source_record_id = 'b-3999'`,
    )
    expect(sample.map((r) => r.id)).toEqual(['b-3999'])
  })

  test('a row refused while later pages stream in fails the next write; the writer goes on after', async () => {
    const ctx = destinationContext(uniqueName('chk'), 'incremental')
    await checkedTable(ctx.destinationId)
    const dest = await open(ctx)
    await dest.write(makeRecords('ok', 10), { destinationId: ctx.destinationId })
    await dest.flush?.()
    await dest.write(makeRecords('fine', 5), { destinationId: ctx.destinationId })
    await dest.write(makeRecords('bad', 3), { destinationId: ctx.destinationId })
    await untilRefused(ctx.destinationId)
    const error = await dest
      .write(makeRecords('late', 5), { destinationId: ctx.destinationId })
      .catch((e) => e)
    expect(error).toBeInstanceOf(Error)
    expect(error.message).toMatch(ROLLED_BACK)
    expect(error.message).toContain('violates check constraint')
    // A new transaction and a new COPY after the failure.
    expect(await writeAndFlush(dest, [makeRecords('after', 4)], ctx.destinationId)).toBeUndefined()
    await dest.close?.()
    expect(await count(ctx.destinationId)).toBe(14)
  })

  test('a row refused mid-page of a large page, or in the last page, fails the write or the flush: nothing hangs', async () => {
    const ctx = destinationContext(uniqueName('mid'), 'incremental')
    await checkedTable(ctx.destinationId)
    const dest = await open(ctx)
    // The bad row comes first: the server refuses it while the client is still sending megabytes.
    const early = [...makeRecords('bad', 1), ...big('x', 20_000, 1000)]
    const first = await writeAndFlush(dest, [big('y', 100, 10), early, big('z', 100, 10)], ctx.destinationId)
    expect(String((first as Error).message)).toMatch(ROLLED_BACK)
    // The bad row is the very last one before the flush: the server refuses it after the COPY ended.
    const last = [...big('w', 2000, 100), ...makeRecords('bad', 1)]
    const second = await writeAndFlush(dest, [last], ctx.destinationId)
    expect(String((second as Error).message)).toMatch(ROLLED_BACK)
    expect(String((second as Error).message)).toContain('violates check constraint')
    await dest.close?.()
    expect(await count(ctx.destinationId)).toBe(0)
  })

  test('a bad value refused by a typed column names the table of its COPY when a write for another table ends it', async () => {
    const id = uniqueName('typed')
    const other = uniqueName('other')
    const recordSchemas = [
      { destination_id: id, record_schema: [{ name: 'n', type: 'integer' }] },
      { destination_id: other, record_schema: [{ name: 'n', type: 'integer' }] },
    ]
    const ctx = destinationContext(id, 'incremental', { unnest: true, recordSchemas })
    const dest = await open(ctx)
    const page = (values: unknown[]) =>
      makeRecords('p', values.length).map((r, i) => ({ ...r, source_data: JSON.stringify({ n: values[i] }) }))
    await dest.write(page([1, 'not a number']), { destinationId: id })
    const error = await dest.write(page([2]), { destinationId: other }).catch((e) => e)
    expect(error.message).toMatch(ROLLED_BACK)
    expect(ROLLED_BACK.exec(error.message)?.[1]).toBe(id)
    expect(error.message).toContain('invalid input syntax for type bigint')
    await dest.close?.()
    expect([await count(id), await count(other)]).toEqual([0, 0])
  })

  test('upserts copy each page on its own: a refused value fails that very write', async () => {
    const id = uniqueName('ups')
    const recordSchemas = [
      {
        destination_id: id,
        record_schema: [
          { name: 'id', type: 'integer' },
          { name: 'n', type: 'integer' },
        ],
      },
    ]
    const ctx = destinationContext(id, 'incremental', { unnest: true, recordSchemas })
    const dest = await openDestination(
      decl,
      { url: pgUrl(), schema },
      { write_mode: 'upsert', primary_key: ['id'] },
      ctx,
    )
    const page = (values: unknown[]) =>
      makeRecords('u', values.length).map((r, i) => ({
        ...r,
        source_data: JSON.stringify({ id: i, n: values[i] }),
      }))
    await dest.write(page([1, 2]), { destinationId: id })
    const error = await dest.write(page([3, 'x']), { destinationId: id }).catch((e) => e)
    expect(error.message).toMatch(ROLLED_BACK)
    expect(error.message).toContain('invalid input syntax for type bigint')
    expect(await writeAndFlush(dest, [page([5, 6])], id)).toBeUndefined()
    await dest.close?.()
    const rows = await sql.unsafe(`SELECT id, n FROM "${schema}"."${id}" ORDER BY id`)
    expect(rows.map((r) => [Number(r.id), Number(r.n)])).toEqual([
      [0, 5],
      [1, 6],
    ])
  })

  test('pages alternating between tables each reach their table, in one transaction', async () => {
    const ctx = destinationContext(uniqueName('alt'), 'full_refresh')
    const other = uniqueName('alt2')
    const dest = await open(ctx)
    for (const [i, id] of [ctx.destinationId, other, ctx.destinationId, other, other].entries())
      await dest.write(makeRecords(`p${i}`, 10 + i), { destinationId: id })
    await dest.flush?.()
    await dest.finalize?.()
    await dest.close?.()
    expect([await count(ctx.destinationId), await count(other)]).toEqual([10 + 12, 11 + 13 + 14])
  })

  test('close with a COPY open, or with one the server refused, rolls back at once', async () => {
    const ctx = destinationContext(uniqueName('cls'), 'incremental')
    await checkedTable(ctx.destinationId)
    const streaming = await open(ctx)
    await streaming.write(big('a', 3000, 1000), { destinationId: ctx.destinationId })
    await streaming.close?.()
    const refused = await open(ctx)
    await refused.write(makeRecords('bad', 2), { destinationId: ctx.destinationId })
    await untilRefused(ctx.destinationId)
    await refused.close?.()
    expect(await count(ctx.destinationId)).toBe(0)
    expect(await holders(ctx.destinationId)).toEqual([]) // neither left a session behind
  })
})

/** The postgres destination against the test PostgreSQL: upsert, unnest, prefixes and routing, COPY escaping. */
import { afterAll, describe, expect, test } from 'bun:test'
import postgres from 'postgres'
import decl from '../../../../connectors/destinations/postgres/index.ts'
import type { DestinationContext, DestinationRecord } from '../../../../src/index.ts'
import { hasPg, pgUrl } from '../../../helpers/services.ts'
import {
  destinationContext,
  openDestination,
  UPSERT_RUNS,
  UPSERTED,
  uniqueName,
  writeRun,
} from '../../sources/postgres/drive.ts'
import { killWriters } from './crash.ts'

const available = await hasPg()
const schema = uniqueName('bizon_pgdst')
const sql = postgres(pgUrl(), { max: 1, onnotice: () => {} })
afterAll(async () => {
  if (available) await sql.unsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
  await sql.end()
})

function open(own: Record<string, unknown>, ctx: DestinationContext) {
  return openDestination(decl, { url: pgUrl(), schema }, own, ctx)
}

function records(
  rows: Record<string, unknown>[],
  idOf = (r: Record<string, unknown>) => String(r.id),
): DestinationRecord[] {
  const now = new Date()
  return rows.map((data) => ({
    bizon_id: crypto.randomUUID().replaceAll('-', ''),
    bizon_extracted_at: now,
    bizon_loaded_at: now,
    source_record_id: idOf(data),
    source_timestamp: new Date('2024-05-01T10:00:00.123Z'),
    source_data: JSON.stringify(data),
  }))
}

async function run(
  own: Record<string, unknown>,
  ctx: DestinationContext,
  batches: DestinationRecord[][],
  id = ctx.destinationId,
) {
  await writeRun(await open(own, ctx), batches, id)
}

describe.skipIf(!available)('postgres destination', () => {
  test('envelope rows keep every character of source_data and the timestamps', async () => {
    const ctx = destinationContext(uniqueName('env'), 'full_refresh')
    const text = 'tab\there\nnew line \\ backslash "quote" \r ünï 🦬 \\N'
    await run({}, ctx, [
      records([
        { id: 1, text },
        { id: 2, nested: { a: [1, null] } },
      ]),
    ])
    const rows = await sql.unsafe(
      `SELECT * FROM "${schema}"."${ctx.destinationId}" ORDER BY source_record_id`,
    )
    expect(rows.length).toBe(2)
    expect(rows[0].source_data).toEqual({ id: 1, text })
    expect(rows[1].source_data).toEqual({ id: 2, nested: { a: [1, null] } })
    expect(rows[0].source_timestamp.toISOString()).toBe('2024-05-01T10:00:00.123Z')
    expect(rows[0].bizon_id).toMatch(/^[0-9a-f]{32}$/)
  })

  test('upsert by source_record_id: the last record of a key wins, reruns add no duplicates', async () => {
    const ctx = destinationContext(uniqueName('ups'), 'incremental')
    const own = { write_mode: 'upsert' }
    for (const rows of UPSERT_RUNS) await run(own, ctx, [records(rows)])
    const rows = await sql.unsafe(
      `SELECT source_record_id AS id, source_data->>'v' AS v FROM "${schema}"."${ctx.destinationId}" ORDER BY 1`,
    )
    expect(rows.map((r) => [r.id, r.v])).toEqual(UPSERTED)
  })

  test('unnest writes typed columns from record_schemas; upsert by a composite primary_key', async () => {
    const id = uniqueName('typed')
    const recordSchemas = [
      {
        destination_id: id,
        record_schema: [
          { name: 'id', type: 'INTEGER' },
          { name: 'region', type: 'string' },
          { name: 'price', type: 'float' },
          { name: 'exact', type: 'numeric' },
          { name: 'active', type: 'bool' },
          { name: 'seen_at', type: 'timestamp' },
          { name: 'day', type: 'date' },
          { name: 'meta', type: 'json' },
        ],
      },
    ]
    const ctx = destinationContext(id, 'incremental', { unnest: true, recordSchemas })
    const own = { write_mode: 'upsert', primary_key: ['id', 'region'], table_prefix: 'p_' }
    const row = (n: number, region: string, price: number) => ({
      id: n,
      region,
      price,
      exact: '12345678901234567890.5',
      active: n % 2 === 0,
      seen_at: '2024-03-01T12:00:00.5Z',
      day: '2024-03-01',
      meta: { tags: ['a\tb'], s: 'x' },
    })
    await run(own, ctx, [records([row(1, 'eu', 1.5), row(1, 'us', 2.5), { id: 2, region: 'eu' }])])
    await run(own, ctx, [records([row(1, 'eu', 9.25)])])
    const rows = await sql.unsafe(`SELECT * FROM "${schema}"."p_${id}" ORDER BY id, region`)
    expect(rows.length).toBe(3)
    expect(rows[0] as object).toEqual({
      id: '1',
      region: 'eu',
      price: 9.25,
      exact: '12345678901234567890.5',
      active: false,
      seen_at: new Date('2024-03-01T12:00:00.5Z'),
      day: new Date('2024-03-01T00:00:00Z'),
      meta: { tags: ['a\tb'], s: 'x' },
    })
    expect(rows[2]).toMatchObject({ id: '2', region: 'eu', price: null, meta: null })
    const bad = await open(own, ctx)
    await expect(
      bad.write(records([{ id: 5, region: 'eu', colour: 'red' }]), { destinationId: id }),
    ).rejects.toThrow('Record 5 has fields not in record_schemas: colour.')
    await bad.close?.()
  })

  test('unnest with upsert requires primary_key; an unknown type is named', async () => {
    const schemas = [{ destination_id: 't', record_schema: [{ name: 'id', type: 'integer' }] }]
    const ctx = destinationContext('t', 'incremental', { unnest: true, recordSchemas: schemas })
    await expect(open({ write_mode: 'upsert' }, ctx)).rejects.toThrow(
      'destination.config.primary_key is required for write_mode: upsert with unnest.',
    )
    const odd = [{ destination_id: 't', record_schema: [{ name: 'id', type: 'uuid4' }] }]
    await expect(open({}, { ...ctx, recordSchemas: odd })).rejects.toThrow(
      'destination.config.record_schemas[0].record_schema[0].type: unknown type "uuid4".',
    )
  })

  test('each batch goes to the table of its destination id; full refresh swaps every one at finalize', async () => {
    const ctx = destinationContext(uniqueName('main'), 'full_refresh')
    const other = uniqueName('other')
    const destination = await open({ table_prefix: 'r_' }, ctx)
    await destination.write(records([{ id: 1 }]), { destinationId: ctx.destinationId })
    await destination.write(records([{ id: 2 }, { id: 3 }]), { destinationId: other })
    await destination.finalize?.()
    await destination.close?.()
    const count = async (t: string) =>
      (await sql.unsafe(`SELECT count(*)::int AS n FROM "${schema}"."r_${t}"`))[0].n
    expect([await count(ctx.destinationId), await count(other)]).toEqual([1, 2])
    const staging = await sql.unsafe(
      `SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = $1 AND tablename LIKE '%bizon_staging'`,
      [schema],
    )
    expect(staging[0].n).toBe(0)
  })

  test('a crashed full refresh in upsert mode is replaced by the next fresh run; readers keep the old table meanwhile', async () => {
    const ctx = destinationContext(uniqueName('crash'), 'full_refresh')
    const own = { write_mode: 'upsert' }
    await run(own, ctx, [records([{ id: 1, v: 'old' }])])
    const crashed = await open(own, { ...ctx, jobId: 'crashed' })
    await crashed.write(
      records([
        { id: 7, v: 'lost' },
        { id: 8, v: 'lost' },
      ]),
      { destinationId: ctx.destinationId },
    )
    // The process died before flush and finalize: its connection is gone, its rows rolled back.
    expect(await killWriters(sql, schema)).toBeGreaterThan(0)
    // The published table is still the old one.
    const before = await sql.unsafe(`SELECT source_record_id AS id FROM "${schema}"."${ctx.destinationId}"`)
    expect(before.map((r) => r.id)).toEqual(['1'])
    await run(own, { ...ctx, jobId: 'fresh' }, [
      records([
        { id: 2, v: 'new' },
        { id: 2, v: 'newer' },
      ]),
    ])
    const after = await sql.unsafe(
      `SELECT source_record_id AS id, source_data->>'v' AS v FROM "${schema}"."${ctx.destinationId}"`,
    )
    expect(after.map((r) => [r.id, r.v])).toEqual([['2', 'newer']])
    await crashed.close?.()
    // The published table keeps a primary key named after it, so later swaps stay clean.
    const pk = await sql.unsafe(
      `SELECT conname::text AS name FROM pg_constraint WHERE conrelid = $1::regclass AND contype = 'p'`,
      [`"${schema}"."${ctx.destinationId}"`],
    )
    expect(pk[0].name).toBe(`${ctx.destinationId}_pkey`)
  })
})

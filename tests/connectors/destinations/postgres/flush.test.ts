/**
 * Streaming writes of the postgres destination: rows are durable only after flush. A crash (its
 * connection killed) loses exactly the unflushed rows, and a resumed run writes them once more.
 */
import { afterAll, describe, expect, test } from 'bun:test'
import postgres from 'postgres'
import decl from '../../../../connectors/destinations/postgres/index.ts'
import type { DestinationContext, SyncMode } from '../../../../src/index.ts'
import { makeRecords } from '../../../conformance/destination.suite.ts'
import { hasPg, pgUrl } from '../../../helpers/services.ts'
import { destinationContext, openDestination, uniqueName } from '../../sources/postgres/drive.ts'
import { killWriters } from './crash.ts'

const available = await hasPg()
const schema = uniqueName('bizon_pgflush')
const sql = postgres(pgUrl(), { max: 1, onnotice: () => {} })
afterAll(async () => {
  if (available) await sql.unsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
  await sql.end()
})

const open = (ctx: DestinationContext, own: Record<string, unknown> = {}) =>
  openDestination(decl, { url: pgUrl(), schema }, own, ctx)

async function ids(table: string): Promise<string[]> {
  const rows = await sql.unsafe(`SELECT source_record_id AS id FROM "${schema}"."${table}" ORDER BY 1`)
  return rows.map((r) => r.id as string)
}

const idsOf = (...pages: { source_record_id: string }[][]) =>
  pages
    .flat()
    .map((r) => r.source_record_id)
    .sort()

describe.skipIf(!available)('postgres destination flush', () => {
  for (const [syncMode, table] of [
    ['incremental', (id: string) => id],
    ['full_refresh', (id: string) => `${id}__bizon_staging`],
  ] as [SyncMode, (id: string) => string][]) {
    test(`${syncMode}: unflushed rows are gone after a crash; the resumed run writes them once`, async () => {
      const ctx = destinationContext(uniqueName('fl'), syncMode)
      const [a, b, c] = [makeRecords('a', 30), makeRecords('b', 20), makeRecords('c', 10)]
      const crashed = await open(ctx)
      await crashed.write(a, { destinationId: ctx.destinationId })
      await crashed.flush?.()
      await crashed.write(b, { destinationId: ctx.destinationId })
      expect(await ids(table(ctx.destinationId))).toEqual(idsOf(a)) // b is not visible before flush
      // The process dies: no flush, no close; the server ends its connection.
      expect(await killWriters(sql, schema)).toBeGreaterThan(0)
      expect(await ids(table(ctx.destinationId))).toEqual(idsOf(a))

      const resumed = await open({ ...ctx, resuming: true })
      await resumed.write(b, { destinationId: ctx.destinationId })
      await resumed.write(c, { destinationId: ctx.destinationId })
      await resumed.flush?.()
      await resumed.finalize?.()
      await resumed.close?.()
      expect(await ids(ctx.destinationId)).toEqual(idsOf(a, b, c))
      await crashed.close?.() // its connection is dead already: closing must not throw
    })
  }

  test('a row the server refuses fails the write or flush, rolls back the unflushed rows and says so; flushed rows stay', async () => {
    const id = uniqueName('bad')
    const recordSchemas = [{ destination_id: id, record_schema: [{ name: 'n', type: 'integer' }] }]
    const ctx = destinationContext(id, 'incremental', { unnest: true, recordSchemas })
    const dest = await open(ctx, { unnest: true })
    const page = (values: unknown[]) =>
      makeRecords('p', values.length).map((r, i) => ({ ...r, source_data: JSON.stringify({ n: values[i] }) }))
    await dest.write(page([1, 2]), { destinationId: id })
    await dest.flush?.()
    await dest.write(page([3]), { destinationId: id })
    // The page streams into the open COPY: the server's answer fails this write or, at the latest, the flush.
    const error = await dest
      .write(page(['not a number']), { destinationId: id })
      .then(() => dest.flush?.())
      .catch((e) => e)
    expect(String(error.message)).toMatch(
      /^Destination "postgres" could not write to ".+"\."bad_.+" \(the rows written since the last flush were rolled back\): .*invalid input syntax for type bigint/,
    )
    // The writer goes on after the error: the next page is in a new transaction.
    await dest.write(page([4]), { destinationId: id })
    await dest.flush?.()
    await dest.close?.()
    const rows = await sql.unsafe(`SELECT n FROM "${schema}"."${id}" ORDER BY n`)
    expect(rows.map((r) => Number(r.n))).toEqual([1, 2, 4])
  })

  test('close without flush rolls back; finalize commits what was written', async () => {
    const ctx = destinationContext(uniqueName('cl'), 'incremental')
    const [a, b] = [makeRecords('a', 5), makeRecords('b', 7)]
    const stopped = await open(ctx)
    await stopped.write(a, { destinationId: ctx.destinationId })
    await stopped.close?.()
    expect(await ids(ctx.destinationId)).toEqual([])
    const done = await open({ ...ctx, resuming: true })
    await done.write(b, { destinationId: ctx.destinationId })
    await done.finalize?.()
    await done.close?.()
    expect(await ids(ctx.destinationId)).toEqual(idsOf(b))
  })
})

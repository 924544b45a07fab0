/**
 * Streaming writes of the sqlite destination: rows are durable only after flush. A process killed
 * with -9 loses exactly the unflushed rows, and a resumed run writes them once more.
 */
import { Database } from 'bun:sqlite'
import { describe, expect, test } from 'bun:test'
import { join } from 'node:path'
import decl from '../../../../connectors/destinations/sqlite/index.ts'
import type { DestinationContext, SyncMode } from '../../../../src/index.ts'
import { makeRecords } from '../../../conformance/destination.suite.ts'
import { tempDir } from '../../../helpers/tmp.ts'
import { destinationContext, openDestination, uniqueName } from '../../sources/postgres/drive.ts'

const open = (ctx: DestinationContext, own: Record<string, unknown> = {}) =>
  openDestination(decl, { path: 'out.sqlite' }, own, ctx)

function ids(dir: string, table: string): string[] {
  const db = new Database(join(dir, 'out.sqlite'), { readonly: true })
  try {
    const rows = db.query(`SELECT source_record_id AS id FROM "${table}" ORDER BY 1`).all() as {
      id: string
    }[]
    return rows.map((r) => r.id)
  } finally {
    db.close()
  }
}

const idsOf = (...pages: { source_record_id: string }[][]) =>
  pages
    .flat()
    .map((r) => r.source_record_id)
    .sort()

/** Runs crash-child.ts (write, flush, write) and kills it with -9 once both pages are written. */
async function crashAfterSecondWrite(
  dir: string,
  ctx: DestinationContext,
  first: unknown[],
  second: unknown[],
) {
  const { logger: _, ...plain } = ctx
  const child = Bun.spawn(
    ['bun', join(import.meta.dir, 'crash-child.ts'), JSON.stringify({ ctx: plain, first, second })],
    { cwd: dir, stdout: 'pipe', stderr: 'inherit' },
  )
  const reader = child.stdout.getReader()
  let out = ''
  while (!out.includes('written')) {
    const { value, done } = await reader.read()
    if (done) throw new Error(`the child exited early: ${out}`)
    out += new TextDecoder().decode(value)
  }
  child.kill(9)
  await child.exited
}

describe('sqlite destination flush', () => {
  for (const [syncMode, table] of [
    ['incremental', (id: string) => id],
    ['full_refresh', (id: string) => `${id}__bizon_staging`],
  ] as [SyncMode, (id: string) => string][]) {
    test(`${syncMode}: unflushed rows are gone after kill -9; the resumed run writes them once`, async () => {
      const dir = tempDir('bizon-sqlite-flush-')
      const ctx = destinationContext(uniqueName('fl'), syncMode, { baseDir: dir })
      const [a, b, c] = [makeRecords('a', 30), makeRecords('b', 20), makeRecords('c', 10)]
      await crashAfterSecondWrite(dir, ctx, a, b)
      expect(ids(dir, table(ctx.destinationId))).toEqual(idsOf(a))

      const resumed = await open({ ...ctx, resuming: true })
      await resumed.write(b, { destinationId: ctx.destinationId })
      await resumed.write(c, { destinationId: ctx.destinationId })
      await resumed.flush?.()
      await resumed.finalize?.()
      await resumed.close?.()
      expect(ids(dir, ctx.destinationId)).toEqual(idsOf(a, b, c))
    }, 20_000)
  }

  test('rows are not visible before flush; a failing write rolls back the unflushed rows and says so', async () => {
    const dir = tempDir('bizon-sqlite-flush-')
    const id = uniqueName('bad')
    const recordSchemas = [{ destination_id: id, record_schema: [{ name: 'n', type: 'integer' }] }]
    const ctx = destinationContext(id, 'incremental', { unnest: true, recordSchemas, baseDir: dir })
    // INTEGER PRIMARY KEY accepts only integers: a text key fails the insert.
    const dest = await open(ctx, { unnest: true, write_mode: 'upsert', primary_key: 'n' })
    const page = (values: unknown[]) =>
      makeRecords('p', values.length).map((r, i) => ({ ...r, source_data: JSON.stringify({ n: values[i] }) }))
    const numbers = () => {
      const db = new Database(join(dir, 'out.sqlite'), { readonly: true })
      try {
        return (db.query(`SELECT n FROM "${id}" ORDER BY n`).all() as { n: number }[]).map((r) => r.n)
      } finally {
        db.close()
      }
    }
    await dest.write(page([1, 2]), { destinationId: id })
    expect(numbers()).toEqual([])
    await dest.flush?.()
    expect(numbers()).toEqual([1, 2])
    await dest.write(page([3]), { destinationId: id })
    const error = await dest.write(page(['not a number']), { destinationId: id }).catch((e) => e)
    expect(String(error.message)).toMatch(
      /^Destination "sqlite" could not write to "bad_.+" in .+out\.sqlite \(the rows written since the last flush were rolled back\): datatype mismatch/,
    )
    await dest.write(page([4]), { destinationId: id })
    await dest.close?.() // no flush: 4 goes too
    expect(numbers()).toEqual([1, 2])
  })
})

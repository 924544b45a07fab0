/** The sqlite destination: upsert, unnest typed columns, crash mid-load, and sqlite → sqlite full refresh then incremental. */
import { Database } from 'bun:sqlite'
import { describe, expect, test } from 'bun:test'
import { join } from 'node:path'
import * as v from 'valibot'
import decl from '../../../../connectors/destinations/sqlite/index.ts'
import sourceDecl from '../../../../connectors/sources/sqlite/index.ts'
import type { DestinationContext, DestinationRecord, SyncMode } from '../../../../src/index.ts'
import { tempDir } from '../../../helpers/tmp.ts'
import {
  destinationContext,
  openDestination,
  readAll,
  sourceContext,
  toDestinationRecords,
  UPSERT_RUNS,
  UPSERTED,
  uniqueName,
  writeRun,
} from '../../sources/postgres/drive.ts'

const dir = tempDir('bizon-sqlite-dest-')

function open(own: Record<string, unknown>, ctx: DestinationContext) {
  return openDestination(decl, { path: 'out/db.sqlite' }, own, { ...ctx, baseDir: dir })
}

async function run(own: Record<string, unknown>, ctx: DestinationContext, batches: DestinationRecord[][]) {
  await writeRun(await open(own, ctx), batches, ctx.destinationId)
}

const records = (rows: Record<string, unknown>[]) =>
  toDestinationRecords(rows.map((data) => ({ id: String(data.id), data })))

function query(sql: string): Record<string, unknown>[] {
  const db = new Database(join(dir, 'out/db.sqlite'), { readonly: true })
  try {
    return db.query(sql).all() as Record<string, unknown>[]
  } finally {
    db.close()
  }
}

describe('sqlite destination', () => {
  test('upsert by source_record_id: last record of a key wins, reruns add no duplicates', async () => {
    const ctx = destinationContext(uniqueName('ups'), 'incremental')
    const own = { write_mode: 'upsert' }
    for (const rows of UPSERT_RUNS) await run(own, ctx, [records(rows)])
    const rows = query(
      `SELECT source_record_id AS id, json_extract(source_data, '$.v') AS v FROM "${ctx.destinationId}" ORDER BY 1`,
    )
    expect(rows.map((r) => [r.id, r.v])).toEqual(UPSERTED)
  })

  test('unnest writes typed columns; a crashed full refresh is replaced by the next fresh run', async () => {
    const id = uniqueName('typed')
    const recordSchemas = [
      {
        destination_id: id,
        record_schema: [
          { name: 'id', type: 'integer' },
          { name: 'price', type: 'FLOAT' },
          { name: 'active', type: 'boolean' },
          { name: 'seen_at', type: 'timestamp' },
          { name: 'meta', type: 'json' },
        ],
      },
    ]
    const ctx = destinationContext(id, 'full_refresh', { unnest: true, recordSchemas })
    const own = { write_mode: 'upsert', primary_key: 'id', table_prefix: 't_' }
    await run(own, ctx, [
      records([{ id: 1, price: 1.5, active: true, seen_at: '2024-01-01T00:00:00Z', meta: { a: [1] } }]),
    ])
    const crashed = await open(own, { ...ctx, jobId: 'crashed' })
    await crashed.write(records([{ id: 7 }, { id: 8 }]), { destinationId: id })
    expect(query(`SELECT id FROM "t_${id}"`)).toEqual([{ id: 1 }])
    // The process dies before flush: its transaction and write lock go with it (close does the same here).
    await crashed.close?.()
    await run(own, { ...ctx, jobId: 'fresh' }, [
      records([
        { id: 2, price: 3, active: false, meta: 'text' },
        { id: 2, price: 4 },
      ]),
    ])
    expect(query(`SELECT * FROM "t_${id}"`)).toEqual([
      { id: 2, price: 4, active: null, seen_at: null, meta: null },
    ])
    await run(own, { ...ctx, jobId: 'again' }, [records([{ id: 3, active: true, meta: 'text' }])])
    expect(query(`SELECT id, active, meta FROM "t_${id}"`)).toEqual([{ id: 3, active: 1, meta: '"text"' }])
    const staging = query(`SELECT name FROM sqlite_schema WHERE name LIKE '%bizon_staging%'`)
    expect(staging).toEqual([])
  })

  test('sqlite → sqlite: full refresh, then incremental upserts with the state of the previous run', async () => {
    const src = new Database(join(dir, 'src.sqlite'))
    src.run('CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT, updated_at TEXT NOT NULL)')
    src.run('PRAGMA journal_mode = WAL')
    src.transaction(() => {
      for (let i = 1; i <= 95; i++)
        src.run('INSERT INTO users VALUES (?1, ?2, ?3)', [
          i,
          `u${i}@x.org`,
          `2024-01-${10 + Math.floor(i / 10)}`,
        ])
    })()
    const sync = async (syncMode: SyncMode, previous?: unknown) => {
      const common = { name: 'sqlite', stream: 'users', sync_mode: syncMode, cursor_field: 'updated_at' }
      const config = { ...v.parse(sourceDecl.config!, { path: 'src.sqlite', page_size: 10 }), ...common }
      const source = await sourceDecl.create(config as never, sourceContext('users', syncMode, dir))
      const incremental = previous === undefined ? undefined : { lastRun: new Date(), state: previous }
      const { pages, state } = await readAll(source, 'users', { incremental })
      await source.close?.()
      await run(
        { write_mode: 'upsert' },
        destinationContext('users', syncMode),
        pages.map((p) => toDestinationRecords(p.records)),
      )
      return state
    }
    let state = await sync('full_refresh')
    expect(query('SELECT count(*) AS n FROM users')).toEqual([{ n: 95 }])
    src.run(`UPDATE users SET email = 'changed', updated_at = '2024-06-01' WHERE id = 3`)
    src.run(`INSERT INTO users VALUES (96, 'u96@x.org', '2024-06-02')`)
    state = await sync('incremental', state)
    expect(await sync('incremental', state)).toEqual(state)
    await sync('incremental', null)
    expect(query('SELECT count(*) AS n, count(DISTINCT source_record_id) AS d FROM users')).toEqual([
      { n: 96, d: 96 },
    ])
    expect(
      query(`SELECT json_extract(source_data, '$.email') AS email FROM users WHERE source_record_id = '3'`),
    ).toEqual([{ email: 'changed' }])
    src.close()
  })
})

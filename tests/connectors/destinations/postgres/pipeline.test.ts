/**
 * postgres → postgres through the connector contracts, as the engine drives them: a full refresh,
 * then incremental runs with upsert (state handed from run to run), and a crash mid-load.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import postgres from 'postgres'
import * as v from 'valibot'
import destinationDecl from '../../../../connectors/destinations/postgres/index.ts'
import sourceDecl from '../../../../connectors/sources/postgres/index.ts'
import type { SyncMode } from '../../../../src/index.ts'
import { hasPg, pgUrl } from '../../../helpers/services.ts'
import {
  createPgUsers,
  destinationContext,
  readAll,
  sourceContext,
  toDestinationRecords,
  uniqueName,
} from '../../sources/postgres/drive.ts'
import { killWriters } from './crash.ts'

const available = await hasPg()
const from = uniqueName('bizon_p2p_src')
const to = uniqueName('bizon_p2p_dst')
const sql = postgres(pgUrl(), { max: 1, onnotice: () => {} })

beforeAll(async () => {
  if (!available) return
  await createPgUsers(sql, from, 95, '(i / 10)')
})
afterAll(async () => {
  if (available)
    await sql.unsafe(`DROP SCHEMA IF EXISTS "${from}" CASCADE; DROP SCHEMA IF EXISTS "${to}" CASCADE`)
  await sql.end()
})

/** One run: read everything (page_size 10), write page by page, finalize. Returns the state to keep. */
async function sync(
  syncMode: SyncMode,
  previous?: unknown,
  options: { crashAfterPages?: number } = {},
): Promise<unknown> {
  const common = { name: 'postgres', stream: 'users', sync_mode: syncMode, cursor_field: 'updated_at' }
  const sourceConfig = {
    ...v.parse(sourceDecl.config!, { url: pgUrl(), schema: from, page_size: 10 }),
    ...common,
  }
  const source = await sourceDecl.create(sourceConfig as never, sourceContext('users', syncMode))
  const incremental =
    previous === undefined ? undefined : { lastRun: new Date(), state: previous, cursorField: 'updated_at' }
  const { pages, state } = await readAll(source, 'users', { incremental })
  await source.close?.()
  const ctx = destinationContext('users', syncMode, { jobId: uniqueName('job') })
  const own = v.parse(destinationDecl.config!, { url: pgUrl(), schema: to, write_mode: 'upsert' })
  const destination = await destinationDecl.create(
    { ...own, buffer_size: 50, buffer_flush_timeout: 600, unnest: false } as never,
    ctx,
  )
  let n = 0
  for (const page of pages) {
    if (options.crashAfterPages !== undefined && n++ >= options.crashAfterPages) {
      await killWriters(sql, to) // died: no flush, no finalize, its connection gone
      return undefined
    }
    await destination.write(toDestinationRecords(page.records), { destinationId: 'users' })
  }
  await destination.finalize?.()
  await destination.close?.()
  return state
}

const published = () =>
  sql.unsafe(
    `SELECT source_record_id AS id, source_data->>'email' AS email FROM "${to}".users ORDER BY source_record_id::int`,
  )

describe.skipIf(!available)('postgres → postgres', () => {
  test('full refresh, then incremental upserts; reruns produce no duplicates; a crashed refresh publishes only the next one', async () => {
    let state = await sync('full_refresh')
    let rows = await published()
    expect(rows.length).toBe(95)
    expect(rows[94] as object).toEqual({ id: '95', email: 'u95@x.org' })

    await sql.unsafe(
      `UPDATE "${from}".users SET email = 'changed@x.org', updated_at = '2024-06-01' WHERE id IN (3, 50)`,
    )
    await sql.unsafe(
      `INSERT INTO "${from}".users VALUES (96, 'u96@x.org', '2024-06-01'), (97, 'u97@x.org', '2024-06-02')`,
    )
    state = await sync('incremental', state)
    rows = await published()
    expect(rows.length).toBe(97)
    expect(rows.filter((r) => r.email === 'changed@x.org').map((r) => r.id)).toEqual(['3', '50'])
    expect(state).toEqual({ cursor_field: 'updated_at', cursor: '2024-06-02 00:00:00+00', key: ['97'] })

    // Same state again: nothing new; without any state (everything re-read): upsert keeps one row per id.
    expect(await sync('incremental', state)).toEqual(state)
    await sync('incremental', null)
    const counts = await sql.unsafe(
      `SELECT count(*)::int AS n, count(DISTINCT source_record_id)::int AS d FROM "${to}".users`,
    )
    expect(counts[0] as object).toEqual({ n: 97, d: 97 })

    // A full refresh that dies after 3 pages, then a fresh one with fewer rows: only the fresh data is published.
    await sync('full_refresh', undefined, { crashAfterPages: 3 })
    expect((await published()).length).toBe(97)
    await sql.unsafe(`DELETE FROM "${from}".users WHERE id > 20`)
    await sync('full_refresh')
    rows = await published()
    expect(rows.map((r) => r.id)).toEqual(Array.from({ length: 20 }, (_, i) => String(i + 1)))
    expect(rows[2].email).toBe('changed@x.org')
  })
})

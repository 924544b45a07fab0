/**
 * postgres → postgres through the CLI: `kill -9` in the middle of a full refresh, then the next run
 * resumes and publishes every row exactly once; an incremental run then upserts only the changes.
 */
import { afterAll, beforeAll, describe, test } from 'bun:test'
import postgres from 'postgres'
import { hasPg, pgUrl } from '../../../helpers/services.ts'
import { tempDir } from '../../../helpers/tmp.ts'
import { createPgUsers, uniqueName } from '../../sources/postgres/drive.ts'
import { killResume } from '../../sources/postgres/kill-resume.ts'

const ROWS = 60_000
const available = await hasPg()
const from = uniqueName('bizon_kill_src')
const to = uniqueName('bizon_kill_dst')
const sql = postgres(pgUrl(), { max: 1, onnotice: () => {} })
beforeAll(async () => {
  if (!available) return
  await createPgUsers(sql, from, ROWS, '(i % 10)')
})
afterAll(async () => {
  if (available)
    await sql.unsafe(`DROP SCHEMA IF EXISTS "${from}" CASCADE; DROP SCHEMA IF EXISTS "${to}" CASCADE`)
  await sql.end()
})

async function count(query: string): Promise<number> {
  try {
    return Number((await sql.unsafe(query))[0]?.n ?? 0)
  } catch {
    return 0 // the table is not there yet
  }
}

describe.skipIf(!available)('postgres → postgres through the CLI', () => {
  test('kill -9 mid full refresh, then resume: every row once; then an incremental upsert', async () => {
    await killResume({
      connector: 'postgres',
      dir: tempDir('bizon-pg-kill-'),
      env: { BIZON_KILL_PG_URL: pgUrl() },
      rows: ROWS,
      sourceKeys: ['url: env://BIZON_KILL_PG_URL', `schema: ${from}`],
      destinationKeys: ['url: env://BIZON_KILL_PG_URL', `schema: ${to}`],
      count,
      table: (suffix = '') => `"${to}".users${suffix}`,
      emailChanged: `source_data->>'email' = 'changed'`,
      async change() {
        await sql.unsafe(
          `UPDATE "${from}".users SET email = 'changed', updated_at = '2024-02-01' WHERE id IN (5, 6)`,
        )
        await sql.unsafe(`INSERT INTO "${from}".users VALUES (${ROWS + 1}, 'new', '2024-02-01')`)
      },
    })
  }, 120_000)
})

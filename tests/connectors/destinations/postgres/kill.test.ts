/**
 * postgres → postgres through the CLI: `kill -9` in the middle of a full refresh, then the next run
 * resumes and publishes every row exactly once; an incremental run then upserts only the changes.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import postgres from 'postgres'
import { REPO, runCli, spawnCli } from '../../../helpers/cli.ts'
import { hasPg, pgUrl } from '../../../helpers/services.ts'
import { tempDir } from '../../../helpers/tmp.ts'
import { uniqueName } from '../../sources/postgres/drive.ts'

const ROWS = 60_000
const available = await hasPg()
const from = uniqueName('bizon_kill_src')
const to = uniqueName('bizon_kill_dst')
const sql = postgres(pgUrl(), { max: 1, onnotice: () => {} })
const plugins = [
  `--custom-source=${join(REPO, 'connectors/sources/postgres/index.ts')}`,
  `--custom-destination=${join(REPO, 'connectors/destinations/postgres/index.ts')}`,
]

beforeAll(async () => {
  if (!available) return
  await sql.unsafe(`CREATE SCHEMA "${from}"`)
  await sql.unsafe(
    `CREATE TABLE "${from}".users (id int PRIMARY KEY, email text, updated_at timestamptz NOT NULL)`,
  )
  await sql.unsafe(
    `INSERT INTO "${from}".users SELECT i, 'u' || i || '@x.org', '2024-01-01'::timestamptz + (i % 10) * interval '1 day' FROM generate_series(1, ${ROWS}) i`,
  )
})
afterAll(async () => {
  if (available)
    await sql.unsafe(`DROP SCHEMA IF EXISTS "${from}" CASCADE; DROP SCHEMA IF EXISTS "${to}" CASCADE`)
  await sql.end()
})

function pipeline(syncMode: string): string {
  return `name: kill_postgres
source:
  name: postgres
  stream: users
  sync_mode: ${syncMode}
  cursor_field: updated_at
  url: env://BIZON_KILL_PG_URL
  schema: ${from}
  page_size: 200
destination:
  name: postgres
  config:
    url: env://BIZON_KILL_PG_URL
    schema: ${to}
    destination_id: users
    write_mode: upsert
    buffer_size: 0
engine:
  backend:
    type: sqlite
    config:
      database: state
`
}

async function count(query: string): Promise<number> {
  try {
    return Number((await sql.unsafe(query))[0]?.n ?? 0)
  } catch {
    return 0 // the table is not there yet
  }
}

describe.skipIf(!available)('postgres → postgres through the CLI', () => {
  test('kill -9 mid full refresh, then resume: every row once; then an incremental upsert', async () => {
    const dir = tempDir('bizon-pg-kill-')
    writeFileSync(join(dir, 'full.yml'), pipeline('full_refresh'))
    writeFileSync(join(dir, 'incremental.yml'), pipeline('incremental'))
    const env = { BIZON_KILL_PG_URL: pgUrl() }
    const first = spawnCli(['run', 'full.yml', ...plugins], { cwd: dir, env })
    const deadline = Date.now() + 30_000
    while ((await count(`SELECT count(*) AS n FROM "${to}".users__bizon_staging`)) < 2_000) {
      if (Date.now() > deadline) throw new Error(`no progress: ${first.stderr()}`)
      await Bun.sleep(20)
    }
    first.kill('SIGKILL')
    expect((await first.exited).code).toBe(137)
    expect(await count(`SELECT count(*) AS n FROM "${to}".users`)).toBe(0) // nothing published yet

    const second = await runCli(['run', 'full.yml', ...plugins], { cwd: dir, env, timeoutMs: 60_000 })
    expect(second.code).toBe(0)
    expect(await count(`SELECT count(*) AS n FROM "${to}".users`)).toBe(ROWS)
    expect(await count(`SELECT count(DISTINCT source_record_id) AS n FROM "${to}".users`)).toBe(ROWS)

    await sql.unsafe(
      `UPDATE "${from}".users SET email = 'changed', updated_at = '2024-02-01' WHERE id IN (5, 6)`,
    )
    await sql.unsafe(`INSERT INTO "${from}".users VALUES (${ROWS + 1}, 'new', '2024-02-01')`)
    const third = await runCli(['run', 'incremental.yml', ...plugins], { cwd: dir, env, timeoutMs: 60_000 })
    expect(third.code).toBe(0)
    expect(await count(`SELECT count(*) AS n FROM "${to}".users`)).toBe(ROWS + 1)
    expect(
      await count(`SELECT count(*) AS n FROM "${to}".users WHERE source_data->>'email' = 'changed'`),
    ).toBe(2)
  }, 120_000)
})

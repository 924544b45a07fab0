/**
 * sqlite → sqlite through the CLI: `kill -9` in the middle of a full refresh, then the next run
 * resumes and publishes every row exactly once; an incremental run then upserts only the changes.
 */
import { Database } from 'bun:sqlite'
import { expect, test } from 'bun:test'
import { existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { REPO, runCli, spawnCli } from '../../../helpers/cli.ts'
import { tempDir } from '../../../helpers/tmp.ts'

const ROWS = 60_000
const plugins = [
  `--custom-source=${join(REPO, 'connectors/sources/sqlite/index.ts')}`,
  `--custom-destination=${join(REPO, 'connectors/destinations/sqlite/index.ts')}`,
]

function pipeline(syncMode: string): string {
  return `name: kill_sqlite
source:
  name: sqlite
  stream: users
  sync_mode: ${syncMode}
  cursor_field: updated_at
  path: src.sqlite
  page_size: 200
destination:
  name: sqlite
  config:
    path: out.sqlite
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

function count(file: string, sql: string): number {
  if (!existsSync(file)) return 0
  const db = new Database(file, { readonly: true })
  try {
    return Number((db.query(sql).get() as { n: number } | null)?.n ?? 0)
  } catch {
    return 0 // the table is not there yet
  } finally {
    db.close()
  }
}

test('kill -9 mid full refresh, then resume: every row once; then an incremental upsert', async () => {
  const dir = tempDir('bizon-sqlite-kill-')
  const src = new Database(join(dir, 'src.sqlite'))
  src.run('PRAGMA journal_mode = WAL')
  src.run('CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT, updated_at TEXT NOT NULL)')
  src.transaction(() => {
    for (let i = 1; i <= ROWS; i++)
      src.run('INSERT INTO users VALUES (?1, ?2, ?3)', [i, `u${i}@x.org`, `2024-01-${10 + (i % 10)}`])
  })()
  writeFileSync(join(dir, 'full.yml'), pipeline('full_refresh'))
  writeFileSync(join(dir, 'incremental.yml'), pipeline('incremental'))
  const out = join(dir, 'out.sqlite')

  const first = spawnCli(['run', 'full.yml', ...plugins], { cwd: dir })
  const deadline = Date.now() + 30_000
  while (count(out, 'SELECT count(*) AS n FROM users__bizon_staging') < 2_000) {
    if (Date.now() > deadline) throw new Error(`no progress: ${first.stderr()}`)
    await Bun.sleep(20)
  }
  first.kill('SIGKILL')
  expect((await first.exited).code).toBe(137)
  expect(count(out, 'SELECT count(*) AS n FROM users')).toBe(0) // nothing published yet

  const second = await runCli(['run', 'full.yml', ...plugins], { cwd: dir, timeoutMs: 60_000 })
  expect(second.code).toBe(0)
  expect(count(out, 'SELECT count(*) AS n FROM users')).toBe(ROWS)
  expect(count(out, 'SELECT count(DISTINCT source_record_id) AS n FROM users')).toBe(ROWS)

  src.run(`UPDATE users SET email = 'changed', updated_at = '2024-02-01' WHERE id IN (5, 6)`)
  src.run(`INSERT INTO users VALUES (${ROWS + 1}, 'new', '2024-02-01')`)
  src.close()
  const third = await runCli(['run', 'incremental.yml', ...plugins], { cwd: dir, timeoutMs: 60_000 })
  expect(third.code).toBe(0)
  expect(count(out, 'SELECT count(*) AS n FROM users')).toBe(ROWS + 1)
  expect(
    count(out, `SELECT count(*) AS n FROM users WHERE json_extract(source_data, '$.email') = 'changed'`),
  ).toBe(2)
}, 120_000)

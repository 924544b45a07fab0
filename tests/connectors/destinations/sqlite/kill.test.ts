/**
 * sqlite → sqlite through the CLI: `kill -9` in the middle of a full refresh, then the next run
 * resumes and publishes every row exactly once; an incremental run then upserts only the changes.
 */
import { Database } from 'bun:sqlite'
import { test } from 'bun:test'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { tempDir } from '../../../helpers/tmp.ts'
import { killResume } from '../../sources/postgres/kill-resume.ts'

const ROWS = 60_000
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
  const out = join(dir, 'out.sqlite')
  await killResume({
    connector: 'sqlite',
    dir,
    rows: ROWS,
    sourceKeys: ['path: src.sqlite'],
    destinationKeys: ['path: out.sqlite'],
    count: (sql) => count(out, sql),
    table: (suffix = '') => `users${suffix}`,
    emailChanged: `json_extract(source_data, '$.email') = 'changed'`,
    change() {
      src.run(`UPDATE users SET email = 'changed', updated_at = '2024-02-01' WHERE id IN (5, 6)`)
      src.run(`INSERT INTO users VALUES (${ROWS + 1}, 'new', '2024-02-01')`)
      src.close()
    },
  })
}, 120_000)

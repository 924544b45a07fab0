/** Crash simulation for postgres destination tests: end the connections a dead process would lose. */
import type { Sql } from 'postgres'

/**
 * Terminates every other backend holding a lock on a table of `schema`: what the server does when
 * the writing process dies. Its open transaction (the rows written since the last flush) rolls back.
 */
export async function killWriters(sql: Sql, schema: string): Promise<number> {
  const rows = await sql.unsafe(
    `SELECT DISTINCT pg_terminate_backend(l.pid) AS killed
       FROM pg_locks l JOIN pg_class c ON c.oid = l.relation JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND l.pid <> pg_backend_pid()`,
    [schema],
  )
  // pg_terminate_backend returns before the backend is gone: wait until its locks are released.
  for (let i = 0; i < 100; i++) {
    const held = await sql.unsafe(
      `SELECT 1 FROM pg_locks l JOIN pg_class c ON c.oid = l.relation JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1 AND l.pid <> pg_backend_pid() LIMIT 1`,
      [schema],
    )
    if (held.length === 0) break
    await Bun.sleep(50)
  }
  return rows.length
}

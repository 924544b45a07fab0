/** Counts what a pipeline wrote (a benchmark of a wrong pipeline means nothing) and cleans up. */
import { Database } from 'bun:sqlite'
import { createReadStream } from 'node:fs'
import { join } from 'node:path'
import postgres from 'postgres'

export async function countOutput(kind: 'file' | 'sqlite' | 'pg', dir: string, vars: Record<string, string>) {
  if (kind === 'file') return countLines(join(dir, 'out.json'))
  if (kind === 'sqlite') {
    const db = new Database(join(dir, 'out.sqlite'), { readonly: true })
    try {
      return (db.query('SELECT count(*) AS n FROM records').get() as { n: number }).n
    } finally {
      db.close()
    }
  }
  const sql = postgres(vars.pg_url!, { max: 1, onnotice: () => {} })
  try {
    const [row] = await sql.unsafe(`SELECT count(*)::int AS n FROM ${vars.schema}.records`)
    return row?.n as number
  } finally {
    await sql.end()
  }
}

async function countLines(path: string): Promise<number> {
  let lines = 0
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) lines++
  }
  return lines
}

/** Drops the workload's schema and seeded table. */
export async function dropPg(url: string, vars: Record<string, string>) {
  const sql = postgres(url, { max: 1, onnotice: () => {} })
  try {
    await sql.unsafe(`DROP SCHEMA IF EXISTS ${vars.schema} CASCADE`)
    await sql.unsafe(`DROP TABLE IF EXISTS ${vars.table}`)
  } finally {
    await sql.end()
  }
}

/** Destination cursor rows in the run's state file (0 when a benchmark switch turned them off). */
export async function cursorRows(dir: string): Promise<number> {
  const db = new Database(join(dir, 'state.sqlite3'), { readonly: true })
  try {
    return (db.query('SELECT count(*) AS n FROM destination_cursors').get() as { n: number }).n
  } finally {
    db.close()
  }
}

/** Opens the SQLite file of the sqlite connectors (path relative to the pipeline file) with clear errors. */
import { Database } from 'bun:sqlite'
import { mkdirSync } from 'node:fs'
import { dirname, isAbsolute, resolve } from 'node:path'
import { BizonError } from '../../../src/index.ts'

export interface SqliteFile {
  db: Database
  path: string
  /** `<Owner> could not <action>: <cause>. <next>` */
  fail(action: string, cause: unknown, next: string): BizonError
}

export function causeOf(cause: unknown): string {
  return (cause instanceof Error ? cause.message : String(cause)).replace(/[.\s]+$/, '')
}

/** Opens `path` (relative to baseDir): read-only for a source; created with its folder for a destination. */
export function openSqlite(
  path: string,
  baseDir: string,
  owner: { component: 'Source' | 'Destination'; key: string; readonly: boolean },
): SqliteFile {
  const full = isAbsolute(path) ? path : resolve(baseDir, path)
  const who = `${owner.component} "sqlite"`
  const code = owner.component === 'Source' ? 'source' : 'destination'
  const fail = (action: string, cause: unknown, next: string) =>
    new BizonError(code, `${who} could not ${action}: ${causeOf(cause)}. ${next}`)
  let db: Database
  try {
    if (!owner.readonly) mkdirSync(dirname(full), { recursive: true })
    db = owner.readonly ? new Database(full, { readonly: true }) : new Database(full, { create: true })
    db.run('PRAGMA busy_timeout = 10000')
    if (!owner.readonly) {
      db.run('PRAGMA journal_mode = WAL')
      // FULL: a commit (one per flush, not per page) reaches the disk before the engine commits its cursor.
      db.run('PRAGMA synchronous = FULL')
    }
  } catch (error) {
    throw new BizonError(
      'connection',
      `${who} could not open ${full}: ${causeOf(error)}. Check ${owner.key}.`,
    )
  }
  return { db, path: full, fail }
}

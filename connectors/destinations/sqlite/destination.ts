/**
 * The sqlite destination: pages stream into one open transaction that flush commits (a crash rolls
 * back what was not flushed); staging table + swap on full refresh.
 */
import type { Database } from 'bun:sqlite'
import {
  BizonError,
  type Destination,
  type DestinationContext,
  type DestinationRecord,
} from '../../../src/index.ts'
import { type Kind, type Layout, layoutFor, rowValues, upsertKey } from '../../shared/sql/columns.ts'
import { conflictAction, destinationTables } from '../../shared/sql/destination-tables.ts'
import { ident } from '../../shared/sql/names.ts'
import { openSqlite } from '../../shared/sql/sqlite-file.ts'
import type { SqliteDestinationConfig } from './index.ts'

export const STAGING_SUFFIX = '__bizon_staging'

const TYPES: Record<Kind, string> = {
  text: 'TEXT',
  integer: 'INTEGER',
  float: 'REAL',
  numeric: 'NUMERIC',
  boolean: 'INTEGER',
  timestamp: 'TEXT',
  date: 'TEXT',
  json: 'TEXT',
}

type Bindable = string | number | bigint | null

/** A value as SQLite stores it: dates as ISO-8601 text, booleans 1/0, objects (and json columns) as JSON text. */
function bindValue(value: unknown, json: boolean): Bindable {
  if (value === null || value === undefined) return null
  if (json) return JSON.stringify(value)
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint') return value
  if (value instanceof Date) return value.toISOString()
  if (typeof value === 'boolean') return value ? 1 : 0
  return JSON.stringify(value)
}

interface Target {
  into: string
  layout: Layout
  key: string[]
  insert: (records: DestinationRecord[]) => void
  /** Frees the prepared statement (its table may be gone after a rollback). */
  drop: () => void
}

function exists(db: Database, table: string): boolean {
  return db.query(`SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?1`).get(table) !== null
}

/** ON CONFLICT needs a unique index on exactly the key: add one when the table has none. */
function ensureUniqueKey(db: Database, table: string, key: string[]): void {
  const wanted = [...key].sort().join('\u0000')
  // A declared primary key is unique even when it is the rowid (INTEGER PRIMARY KEY has no index).
  const pk = db.query('SELECT name FROM pragma_table_info(?1) WHERE pk > 0').all(table) as { name: string }[]
  if (
    pk
      .map((c) => c.name)
      .sort()
      .join('\u0000') === wanted
  )
    return
  const indexes = db
    .query('SELECT name FROM pragma_index_list(?1) WHERE "unique" = 1 AND partial = 0')
    .all(table) as {
    name: string
  }[]
  for (const index of indexes) {
    const columns = db.query('SELECT name FROM pragma_index_info(?1)').all(index.name) as {
      name: string | null
    }[]
    if (
      columns
        .map((c) => c.name ?? '')
        .sort()
        .join('\u0000') === wanted
    )
      return
  }
  db.run(
    `CREATE UNIQUE INDEX IF NOT EXISTS ${ident(`${table}__bizon_key`)} ON ${ident(table)} (${key.map(ident).join(', ')})`,
  )
}

export async function createSqliteDestination(
  config: SqliteDestinationConfig,
  ctx: DestinationContext,
): Promise<Destination> {
  const { full, tableOf, knownIds } = destinationTables(config, ctx)
  const file = openSqlite(config.path, ctx.baseDir, {
    component: 'Destination',
    key: 'destination.config.path',
    readonly: false,
  })
  const db = file.db
  const targets = new Map<string, Target>()
  let started = false
  let written = false
  let finalized = false
  let closed = false
  /** Targets first prepared inside the open transaction (forgotten when it rolls back). */
  let windowTargets: string[] = []

  // Once per process: a fresh full-refresh job drops the staging left by a crashed attempt (decision 6).
  const start = () => {
    if (started) return
    if (full && !ctx.resuming)
      for (const id of knownIds) db.run(`DROP TABLE IF EXISTS ${ident(tableOf(id) + STAGING_SUFFIX)}`)
    started = true
  }

  const target = (destinationId: string): Target => {
    const found = targets.get(destinationId)
    if (found) return found
    start()
    const table = tableOf(destinationId)
    const name = full ? table + STAGING_SUFFIX : table
    const layout = layoutFor(ctx, destinationId)
    const key = upsertKey(config, layout)
    if (full && !ctx.resuming && !knownIds.has(destinationId)) db.run(`DROP TABLE IF EXISTS ${ident(name)}`)
    const defs = layout.columns.map((c) => `${ident(c.name)} ${TYPES[c.kind]}`).join(', ')
    const pk = key.length > 0 ? `, PRIMARY KEY (${key.map(ident).join(', ')})` : ''
    db.run(`CREATE TABLE IF NOT EXISTS ${ident(name)} (${defs}${pk})`)
    if (key.length > 0) ensureUniqueKey(db, name, key)
    const cols = layout.columns.map((c) => ident(c.name))
    const conflict =
      key.length === 0 ? '' : ` ON CONFLICT (${key.map(ident).join(', ')}) DO ${conflictAction(layout, key)}`
    const statement = db.prepare(
      `INSERT INTO ${ident(name)} (${cols.join(', ')}) VALUES (${cols.map((_, i) => `?${i + 1}`).join(', ')})${conflict}`,
    )
    const json = layout.columns.map((c) => layout.unnest && c.kind === 'json')
    const made = {
      into: name,
      layout,
      key,
      insert: (records: DestinationRecord[]) => {
        for (const record of records) {
          const values = rowValues(record, layout)
          for (let i = 0; i < values.length; i++) values[i] = bindValue(values[i], json[i])
          statement.run(...(values as Bindable[]))
        }
      },
      drop: () => statement.finalize(),
    }
    // Made inside the open transaction: its table goes away if that transaction rolls back.
    if (db.inTransaction) windowTargets.push(destinationId)
    targets.set(destinationId, made)
    return made
  }

  const failure = (action: string, error: unknown) =>
    error instanceof BizonError
      ? error
      : file.fail(action, error, 'Check destination.config and the table definition.')

  /** Drops what was written since the last flush; the tables made meanwhile go with it. */
  const rollback = () => {
    if (db.inTransaction) db.run('ROLLBACK')
    for (const id of windowTargets) {
      targets.get(id)?.drop()
      targets.delete(id)
    }
    windowTargets = []
  }

  /** Commits the open transaction: everything written so far is on disk. */
  const commit = () => {
    if (db.inTransaction) db.run('COMMIT')
    windowTargets = []
  }

  return {
    async check() {
      return { ok: true, detail: file.path }
    },
    async write(records, info) {
      const id = info.destinationId || ctx.destinationId
      try {
        // DDL for the first target runs before the transaction, so it never needs undoing.
        if (!db.inTransaction) target(id)
        // IMMEDIATE: take the write lock at BEGIN, so a busy file waits (busy_timeout) instead of failing mid-page.
        if (!db.inTransaction) db.run('BEGIN IMMEDIATE')
        const t = target(id)
        written = true
        if (records.length > 0) t.insert(records)
      } catch (error) {
        try {
          rollback()
        } catch {}
        const where = `${ident(tableOf(id))} in ${file.path} (the rows written since the last flush were rolled back)`
        throw failure(`write to ${where}`, error)
      }
    },
    async flush() {
      try {
        commit()
      } catch (error) {
        try {
          rollback()
        } catch {}
        throw failure(`commit the rows written to ${file.path}`, error)
      }
    },
    async finalize() {
      if (finalized) return
      try {
        commit() // the engine flushes before finalize; a caller that did not still publishes its rows
        if (!full) {
          target(ctx.destinationId) // an empty incremental run still leaves the table in place
          return
        }
        if (!written && !ctx.resuming) target(ctx.destinationId) // an empty fresh run publishes an empty table
        const tables = [...new Set([...knownIds, ...targets.keys()].map(tableOf))]
        // legacy_alter_table: a view on the table must not block the rename while the table is gone.
        db.run('PRAGMA legacy_alter_table = ON')
        db.transaction(() => {
          for (const table of tables) {
            if (!exists(db, table + STAGING_SUFFIX)) continue
            db.run(`DROP TABLE IF EXISTS ${ident(table)}`)
            db.run(`ALTER TABLE ${ident(table + STAGING_SUFFIX)} RENAME TO ${ident(table)}`)
          }
        }).immediate()
        db.run('PRAGMA legacy_alter_table = OFF')
        finalized = true
      } catch (error) {
        throw failure(`publish ${ident(tableOf(ctx.destinationId))} in ${file.path}`, error)
      }
    },
    async close() {
      if (closed) return
      closed = true
      // Closing without flush (a failed or stopped run) drops the unflushed rows, as a crash would.
      try {
        rollback()
      } finally {
        db.close()
      }
    },
  }
}

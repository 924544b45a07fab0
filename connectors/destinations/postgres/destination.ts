/**
 * The postgres destination: COPY into a staging table (full refresh) or the table (append/upsert),
 * inside one transaction per flush window on a reserved connection (a crash rolls back the rest).
 */

import type { ReservedSql } from 'postgres'
import {
  BizonError,
  type Destination,
  type DestinationContext,
  type DestinationRecord,
} from '../../../src/index.ts'
import { type Layout, layoutFor, upsertKey } from '../../shared/sql/columns.ts'
import { conflictAction, destinationTables } from '../../shared/sql/destination-tables.ts'
import { ident } from '../../shared/sql/names.ts'
import { connect } from '../../shared/sql/postgres-connection.ts'
import { type CopyStream, copyChunks, copyInto, openCopy } from './copy.ts'
import type { PostgresDestinationConfig } from './index.ts'
import { columnDefs, createTable, ensureSchema, ensureUniqueKey, rel, stagingName, swapIn } from './tables.ts'

interface Target {
  table: string
  /** Where batches go: the staging table (full refresh) or the table. */
  into: string
  layout: Layout
  /** Upsert key ([] when appending). */
  key: string[]
  /** The quoted column list of a COPY into it. */
  columns: string
}

/** The COPY open in the transaction: the pages of one table stream into it until flush or another table. */
interface OpenCopy {
  into: string
  /** The table named in errors. */
  where: string
  stream: CopyStream
}

/**
 * Upserts a page inside the open transaction: COPY into a temp table, then one INSERT ... ON
 * CONFLICT (last record of a key wins). The temp table is dropped at once, for the next page.
 */
async function upsert(tx: ReservedSql, t: Target, records: DestinationRecord[]): Promise<void> {
  const cols = t.columns
  const keys = t.key.map(ident).join(', ')
  await tx.unsafe(
    `CREATE TEMP TABLE bizon_batch (${columnDefs(t.layout)}, bizon_ord bigint GENERATED ALWAYS AS IDENTITY) ON COMMIT DROP`,
  )
  await copyInto(tx, 'bizon_batch', cols, records, t.layout)
  await tx.unsafe(
    `INSERT INTO ${t.into} (${cols}) SELECT DISTINCT ON (${keys}) ${cols} FROM bizon_batch ORDER BY ${keys}, bizon_ord DESC ON CONFLICT (${keys}) DO ${conflictAction(t.layout, t.key)}`,
  )
  await tx.unsafe('DROP TABLE bizon_batch')
}

const columnsOf = (layout: Layout) => layout.columns.map((c) => ident(c.name)).join(', ')

export async function createPostgresDestination(
  config: PostgresDestinationConfig,
  ctx: DestinationContext,
): Promise<Destination> {
  // Config problems surface before connecting.
  const { full, tableOf, knownIds } = destinationTables(config, ctx, stagingName)
  // Two connections: one reserved for the open transaction of the rows, one for the DDL.
  const conn = await connect(
    config,
    { component: 'Destination', name: 'postgres', path: 'destination.config' },
    2,
    true,
  )
  const schema = config.schema
  const targets = new Map<string, Promise<Target>>()
  let written = false
  let finalized = false
  let started: Promise<void> | undefined
  /** The connection holding the transaction of the rows written since the last flush. */
  let open: ReservedSql | undefined
  /** The COPY streaming rows in that transaction, if one is open. */
  let copy: OpenCopy | undefined
  /** `conn.closes()` when the transaction began: a connection closed since may be the one holding it. */
  let closesAtBegin = 0
  // A query on a reserved connection that has closed throws outside any promise (postgres.js 3.4).
  const lost = () => conn.closes() !== closesAtBegin

  const begin = async (): Promise<ReservedSql> => {
    if (open && lost()) {
      open = undefined
      throw new Error('the connection was lost, and the rows written since the last flush with it')
    }
    if (open) return open
    closesAtBegin = conn.closes()
    const reserved = await conn.sql.reserve()
    try {
      await reserved.unsafe('BEGIN')
    } catch (error) {
      reserved.release()
      throw error
    }
    open = reserved
    return reserved
  }

  /** Ends the open transaction; a connection that failed is not handed back to the pool. */
  const end = async (how: 'COMMIT' | 'ROLLBACK') => {
    const tx = open
    if (!tx) return
    open = undefined
    if (lost()) {
      if (how === 'ROLLBACK') return // the server rolled it back when the connection ended
      throw new Error('the connection was lost, and the rows written since the last flush with it')
    }
    await tx.unsafe(how)
    tx.release()
  }

  /** Cancels the open COPY, then rolls back; never throws (a dead connection rolled back by itself). */
  const rollback = async () => {
    const current = copy
    copy = undefined
    await current?.stream.abort()
    await end('ROLLBACK').catch(() => {})
  }

  /**
   * Ends the open COPY and waits for the server to take its rows: a row it refused (a bad value, a
   * constraint) surfaces here when no later write saw it first, and rolls the transaction back.
   */
  const endCopy = async () => {
    const current = copy
    if (!current) return
    copy = undefined
    try {
      await current.stream.end()
    } catch (error) {
      await rollback()
      throw rolledBack(current.where, error)
    }
  }

  /** Ends the open COPY, then commits the transaction. */
  const commit = async () => {
    await endCopy()
    try {
      await end('COMMIT')
    } catch (error) {
      throw failure(`commit the rows written to ${rel(schema, tableOf(ctx.destinationId))}`, error)
    }
  }

  // Once per process: a fresh full-refresh job drops the staging left by a crashed attempt (decision 6).
  const start = () => {
    started ??= (async () => {
      await ensureSchema(conn.sql, schema)
      if (!full || ctx.resuming) return
      for (const id of knownIds)
        await conn.sql.unsafe(`DROP TABLE IF EXISTS ${rel(schema, stagingName(tableOf(id)))}`)
    })()
    return started
  }

  const prepare = async (destinationId: string): Promise<Target> => {
    await start()
    const table = tableOf(destinationId)
    const layout = layoutFor(ctx, destinationId)
    const key = upsertKey(config, layout)
    if (full) {
      const staging = stagingName(table)
      if (!ctx.resuming && !knownIds.has(destinationId)) {
        await conn.sql.unsafe(`DROP TABLE IF EXISTS ${rel(schema, staging)}`)
      }
      await createTable(conn.sql, rel(schema, staging), layout, key)
      return { table, into: rel(schema, staging), layout, key, columns: columnsOf(layout) }
    }
    await createTable(conn.sql, rel(schema, table), layout, key)
    if (key.length > 0) await ensureUniqueKey(conn.sql, schema, table, key)
    return { table, into: rel(schema, table), layout, key, columns: columnsOf(layout) }
  }

  const target = (destinationId: string) => {
    let found = targets.get(destinationId)
    if (!found) {
      found = prepare(destinationId)
      targets.set(destinationId, found)
      found.catch(() => targets.delete(destinationId))
    }
    return found
  }

  const failure = (action: string, error: unknown) => {
    if (error instanceof BizonError) return error
    return conn.fail(action, error, 'Check destination.config and the table definition.')
  }
  const rolledBack = (where: string, error: unknown) =>
    failure(`write to ${where} (the rows written since the last flush were rolled back)`, error)

  /**
   * Appends a page: its COPY text is made first (a value that cannot be encoded fails this write),
   * then streamed into the COPY open for its table, opened when missing (ending one for another table).
   */
  const append = async (t: Target, where: string, records: DestinationRecord[]) => {
    const chunks = [...copyChunks(records, t.layout)]
    const tx = await begin()
    if (copy && copy.into !== t.into) await endCopy()
    copy ??= { into: t.into, where, stream: await openCopy(tx, t.into, t.columns) }
    // Throws the error of a row of an earlier page that the server refused since.
    await copy.stream.send(chunks)
  }

  return {
    async check() {
      await start().catch((error) => {
        throw failure(`create schema ${ident(schema)}`, error)
      })
      return { ok: true, detail: `connected to ${conn.target}` }
    },
    async write(records, info) {
      const id = info.destinationId || ctx.destinationId
      const where = rel(schema, tableOf(id))
      try {
        // The tables are made on the other connection (committed at once): no lock is held for them.
        const t = await target(id)
        written = true
        if (records.length === 0) return
        if (t.key.length === 0) return await append(t, where, records)
        const tx = await begin()
        await endCopy()
        await upsert(tx, t, records)
      } catch (error) {
        await rollback()
        throw rolledBack(where, error)
      }
    },
    async flush() {
      await commit()
    },
    async finalize() {
      if (finalized) return
      try {
        await commit() // the engine flushes before finalize; a caller that did not still publishes its rows
        if (!full) {
          // An empty incremental run still leaves the table in place.
          await target(ctx.destinationId)
          return
        }
        // A fresh job that wrote nothing publishes an empty table (decision 3).
        if (!written && !ctx.resuming) await target(ctx.destinationId)
        const tables = new Set([...knownIds, ...targets.keys()].map(tableOf))
        await conn.sql.begin(async (tx) => {
          for (const table of tables) await swapIn(tx, schema, table)
        })
        finalized = true
      } catch (error) {
        throw failure(`publish ${rel(schema, tableOf(ctx.destinationId))}`, error)
      }
    },
    async close() {
      // Closing without flush (a failed or stopped run) drops the unflushed rows, as a crash would.
      await rollback()
      // postgres.js waits for the statement a connection was running when it died (a COPY, mostly)
      // until the end timeout: after a lost connection, end at once.
      if (conn.closes() > 0) await conn.sql.end({ timeout: 0 })
      await conn.close()
    },
  }
}

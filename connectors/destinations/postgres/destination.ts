/** The postgres destination: COPY into a staging table (full refresh) or the table (append/upsert). */
import {
  BizonError,
  type Destination,
  type DestinationContext,
  type DestinationRecord,
} from '../../../src/index.ts'
import { type Layout, layoutFor, upsertKey } from '../../shared/sql/columns.ts'
import { conflictAction, destinationTables } from '../../shared/sql/destination-tables.ts'
import { ident } from '../../shared/sql/names.ts'
import { type Connection, connect } from '../../shared/sql/postgres-connection.ts'
import { copyInto } from './copy.ts'
import type { PostgresDestinationConfig } from './index.ts'
import { columnDefs, createTable, ensureSchema, ensureUniqueKey, rel, stagingName, swapIn } from './tables.ts'

interface Target {
  table: string
  /** Where batches go: the staging table (full refresh) or the table. */
  into: string
  layout: Layout
  /** Upsert key ([] when appending). */
  key: string[]
}

/** Upsert a batch: COPY into a temp table, then one INSERT ... ON CONFLICT (last record of a key wins). */
async function upsert(conn: Connection, t: Target, records: DestinationRecord[]): Promise<void> {
  const cols = t.layout.columns.map((c) => ident(c.name)).join(', ')
  const keys = t.key.map(ident).join(', ')
  await conn.sql.begin(async (tx) => {
    await tx.unsafe(
      `CREATE TEMP TABLE bizon_batch (${columnDefs(t.layout)}, bizon_ord bigint GENERATED ALWAYS AS IDENTITY) ON COMMIT DROP`,
    )
    await copyInto(tx, 'bizon_batch', cols, records, t.layout)
    await tx.unsafe(
      `INSERT INTO ${t.into} (${cols}) SELECT DISTINCT ON (${keys}) ${cols} FROM bizon_batch ORDER BY ${keys}, bizon_ord DESC ON CONFLICT (${keys}) DO ${conflictAction(t.layout, t.key)}`,
    )
  })
}

export async function createPostgresDestination(
  config: PostgresDestinationConfig,
  ctx: DestinationContext,
): Promise<Destination> {
  // Config problems surface before connecting.
  const { full, tableOf, knownIds } = destinationTables(config, ctx, stagingName)
  const conn = await connect(config, {
    component: 'Destination',
    name: 'postgres',
    path: 'destination.config',
  })
  const schema = config.schema
  const targets = new Map<string, Promise<Target>>()
  let written = false
  let finalized = false
  let started: Promise<void> | undefined

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
      return { table, into: rel(schema, staging), layout, key }
    }
    await createTable(conn.sql, rel(schema, table), layout, key)
    if (key.length > 0) await ensureUniqueKey(conn.sql, schema, table, key)
    return { table, into: rel(schema, table), layout, key }
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
        const t = await target(id)
        written = true
        if (records.length === 0) return
        if (t.key.length > 0) await upsert(conn, t, records)
        else
          await copyInto(
            conn.sql,
            t.into,
            t.layout.columns.map((c) => ident(c.name)).join(', '),
            records,
            t.layout,
          )
      } catch (error) {
        throw failure(`write to ${where}`, error)
      }
    },
    async finalize() {
      if (finalized) return
      try {
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
      await conn.close()
    },
  }
}

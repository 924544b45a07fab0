/** The tables a SQL destination (postgres, sqlite) writes, and its upsert action; no driver import. */
import type { DestinationContext } from '../../../src/index.ts'
import { type Layout, layoutFor, upsertKey } from './columns.ts'
import { ident } from './names.ts'

export interface DestinationTables {
  full: boolean
  /** Table name of a destination id: `<table_prefix><destination_id>`. */
  tableOf(destinationId: string): string
  /** The destination ids known before any record: the configured one and the record_schemas ones. */
  knownIds: Set<string>
}

/**
 * Works out the tables and checks their layouts and upsert keys, so config problems surface before
 * the database is opened; `checkStaging` checks a table's staging name on full refresh.
 */
export function destinationTables(
  config: { table_prefix: string; write_mode: string; primary_key?: string | string[] },
  ctx: DestinationContext,
  checkStaging?: (table: string) => void,
): DestinationTables {
  const full = ctx.syncMode === 'full_refresh'
  const tableOf = (destinationId: string) => config.table_prefix + destinationId
  const knownIds = new Set([
    ctx.destinationId,
    ...(ctx.unnest ? ctx.recordSchemas.map((s) => s.destination_id) : []),
  ])
  for (const id of knownIds) {
    upsertKey(config, layoutFor(ctx, id))
    if (full) checkStaging?.(tableOf(id))
  }
  return { full, tableOf, knownIds }
}

/** What `ON CONFLICT (key) DO ...` does: update every other column from the incoming row, or nothing. */
export function conflictAction(layout: Layout, key: string[]): string {
  const rest = layout.columns.filter((c) => !key.includes(c.name)).map((c) => ident(c.name))
  return rest.length > 0 ? `UPDATE SET ${rest.map((c) => `${c} = EXCLUDED.${c}`).join(', ')}` : 'NOTHING'
}

/** The sqlite destination declaration: tables in a SQLite file, staging table + swap on full refresh, append or upsert. */
import { defineDestination, v } from '../../../src/index.ts'
import { destinationEntries } from '../../shared/sql/config.ts'

export const SqliteDestinationConfig = v.object({
  path: v.pipe(
    v.string(),
    v.minLength(1),
    v.description(
      'SQLite database file, relative to the pipeline file; created (with its folder) when missing.',
    ),
  ),
  ...destinationEntries('INSERT ... ON CONFLICT'),
})
export type SqliteDestinationConfig = v.InferOutput<typeof SqliteDestinationConfig>

export default defineDestination({
  name: 'sqlite',
  summary: 'Tables in a SQLite file; full refresh swaps a staging table in atomically.',
  config: SqliteDestinationConfig,
  capabilities: { writeModes: ['append', 'upsert'] },
  docs: [
    'Each destination id is a table `<table_prefix><destination_id>` in the file at `path`: the six',
    'envelope columns (timestamps as ISO-8601 text, source_data as JSON text), or with `unnest` the',
    'typed columns of `record_schemas`. Full refresh loads `<table>__bizon_staging` and replaces the',
    'table with it in one transaction at the end. Incremental appends, or upserts by `primary_key`.',
    'Pages are inserted as they arrive, in one transaction committed at each flush (`buffer_size`,',
    '`buffer_flush_timeout`): a crash rolls back what was not flushed, and the file stays locked for',
    'other writers while a flush window is open.',
  ].join('\n'),
  async create(config, ctx) {
    const { createSqliteDestination } = await import('./destination.ts')
    return createSqliteDestination(config, ctx)
  },
})

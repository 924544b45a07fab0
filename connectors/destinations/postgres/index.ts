/** The postgres destination declaration: COPY loads, staging table + swap on full refresh, append or upsert. */
import { defineDestination, v } from '../../../src/index.ts'
import { destinationEntries, PostgresConnectionEntries } from '../../shared/sql/config.ts'

export const PostgresDestinationConfig = v.object({
  ...PostgresConnectionEntries,
  schema: v.optional(
    v.pipe(v.string(), v.description('Schema of the tables; created when missing.')),
    'public',
  ),
  ...destinationEntries('INSERT ... ON CONFLICT DO UPDATE'),
})
export type PostgresDestinationConfig = v.InferOutput<typeof PostgresDestinationConfig>

export default defineDestination({
  name: 'postgres',
  summary: 'PostgreSQL tables loaded with COPY; full refresh swaps a staging table in atomically.',
  config: PostgresDestinationConfig,
  capabilities: { writeModes: ['append', 'upsert'] },
  docs: [
    'Each destination id is a table `<schema>.<table_prefix><destination_id>`: the six envelope',
    'columns (source_data as jsonb), or with `unnest` the typed columns of `record_schemas`.',
    'Full refresh loads `<table>__bizon_staging` and replaces the table with it in one transaction at',
    'the end, so readers see the old table until the new one is complete. Incremental appends, or',
    'upserts by `primary_key` (the last record of a page wins for a repeated key).',
    'Pages stream as they arrive into one COPY per table, in one transaction committed at each flush',
    '(`buffer_size`, `buffer_flush_timeout`): a crash rolls back what was not flushed. A value that',
    'cannot be encoded fails the write of its page; a row the server refuses (a constraint, a bad',
    'value) fails that write or a later one of the same flush, and the whole flush is rolled back.',
  ].join('\n'),
  async create(config, ctx) {
    const { createPostgresDestination } = await import('./destination.ts')
    return createPostgresDestination(config, ctx)
  },
})

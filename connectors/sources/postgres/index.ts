/** The postgres source declaration: a table or a query, full refresh or incremental by a cursor column. */
import { defineSource, type StreamInfo, v } from '../../../src/index.ts'
import {
  PostgresConnectionEntries,
  pageSizeEntry,
  primaryKeyEntry,
  type SourceCommon,
  SourceQueryEntries,
} from '../../shared/sql/config.ts'

export const PostgresSourceConfig = v.object({
  ...PostgresConnectionEntries,
  table: v.optional(
    v.pipe(
      v.string(),
      v.description(
        'Table or view to read, optionally `schema.table`. Defaults to the stream name when `query` is not set.',
      ),
    ),
  ),
  schema: v.optional(
    v.pipe(
      v.string(),
      v.description(
        'Schema of `table` and of discovered streams (default: the search path, usually public).',
      ),
    ),
  ),
  ...SourceQueryEntries,
  // 2000: decoded rows of a page wait in memory until written; 10000 doubled the peak RSS for no speed.
  page_size: pageSizeEntry(
    2000,
    'Rows per page (one page = one queue message). Larger pages use more memory while in flight.',
  ),
  primary_key: primaryKeyEntry(
    'Column(s) identifying a row: the record id and the tie-breaker of the keyset order. Default: the table primary key.',
  ),
})
export type PostgresSourceConfig = v.InferOutput<typeof PostgresSourceConfig> & SourceCommon

/** Lists the tables of `schema` as streams (for `bizon stream list postgres`). Loads the driver lazily. */
export async function listStreams(
  config: v.InferOutput<typeof PostgresSourceConfig>,
): Promise<Record<string, StreamInfo>> {
  const { listPostgresStreams } = await import('./discover.ts')
  return listPostgresStreams(config)
}

export default defineSource({
  name: 'postgres',
  summary: 'Rows of a PostgreSQL table or query; incremental by a cursor column with keyset pagination.',
  // Any table name is a stream; `*` stands for "any name" until the contract has dynamic streams.
  streams: { '*': { incremental: true, description: 'A table or view name (or any name with `query`).' } },
  config: PostgresSourceConfig,
  docs: [
    'Reads `table` (default: the stream name) or `query`, `page_size` rows per page, ordered by the',
    'primary key (full refresh) or by (`cursor_field`, primary key) (incremental), so a page boundary',
    'inside a run of equal cursor values loses nothing. The last (cursor, key) read is kept as the',
    'incremental state; the next incremental run reads rows after it. Rows whose cursor is NULL are',
    'not read incrementally. Without a primary key a table is ordered by its physical row id (ctid).',
    "With no state yet but a previous run, a timestamp cursor starts after that run's start time.",
    'A full refresh with `cursor_field` keeps the highest cursor at its start as state.',
    'Pages come from one streamed query per run (resumed from the stored pagination after a crash);',
    'an index on (cursor_field, primary key) keeps incremental runs cheap on large tables.',
  ].join('\n'),
  async create(config, ctx) {
    const { createPostgresSource } = await import('./source.ts')
    return createPostgresSource(config, ctx)
  },
})

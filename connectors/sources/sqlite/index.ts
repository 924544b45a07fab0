/** The sqlite source declaration: a table or a query of a SQLite file, full refresh or incremental by a cursor column. */
import { defineSource, type StreamInfo, v } from '../../../src/index.ts'
import { primaryKeyEntry, type SourceCommon, SourceQueryEntries } from '../../shared/sql/config.ts'

export const SqliteSourceConfig = v.object({
  path: v.pipe(
    v.string(),
    v.minLength(1),
    v.description('SQLite database file, relative to the pipeline file. Opened read-only.'),
  ),
  table: v.optional(
    v.pipe(
      v.string(),
      v.description('Table or view to read. Defaults to the stream name when `query` is not set.'),
    ),
  ),
  ...SourceQueryEntries,
  primary_key: primaryKeyEntry(
    'Column(s) identifying a row: the record id and the keyset tie-breaker. Default: the table primary key, else rowid.',
  ),
})
export type SqliteSourceConfig = v.InferOutput<typeof SqliteSourceConfig> & SourceCommon

/** Lists the tables and views of the file as streams (for `bizon stream list sqlite`). */
export async function listStreams(
  config: Pick<SqliteSourceConfig, 'path'>,
  baseDir = process.cwd(),
): Promise<Record<string, StreamInfo>> {
  const { listSqliteStreams } = await import('./source.ts')
  return listSqliteStreams(config.path, baseDir)
}

export default defineSource({
  name: 'sqlite',
  summary: 'Rows of a SQLite table or query; incremental by a cursor column with keyset pagination.',
  // Any table name is a stream; `*` stands for "any name" until the contract has dynamic streams.
  streams: { '*': { incremental: true, description: 'A table or view name (or any name with `query`).' } },
  config: SqliteSourceConfig,
  docs: [
    'Reads `table` (default: the stream name) or `query` from the file at `path`, `page_size` rows per',
    'page, ordered by the primary key (or rowid) on full refresh and by (`cursor_field`, key) on',
    'incremental runs; the last (cursor, key) read is kept as state. Rows whose cursor is NULL are',
    'not read incrementally. With no state yet, an incremental run reads from the start (the',
    'lastRun watermark is not compared with stored text times, whose format varies).',
  ].join('\n'),
  async create(config, ctx) {
    const { createSqliteSource } = await import('./source.ts')
    return createSqliteSource(config, ctx)
  },
})

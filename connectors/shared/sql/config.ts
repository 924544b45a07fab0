/** Config keys shared by the SQL connectors (postgres, sqlite); schema only: no driver import. */
import { v } from '../../../src/index.ts'

export const PostgresConnectionEntries = {
  url: v.optional(
    v.pipe(
      v.string(),
      v.description(
        'PostgreSQL URL, e.g. postgres://user:password@host:5432/db (env:// and ${...} references allowed). Wins over host/port/username/password/database.',
      ),
    ),
  ),
  host: v.optional(
    v.pipe(v.string(), v.description('Server host when `url` is not set (default 127.0.0.1).')),
  ),
  port: v.optional(
    v.pipe(
      v.number(),
      v.integer(),
      v.minValue(1),
      v.maxValue(65535),
      v.description('Server port (default 5432).'),
    ),
  ),
  username: v.optional(
    v.pipe(v.string(), v.description('User name when `url` is not set (default postgres).')),
  ),
  password: v.optional(v.pipe(v.string(), v.description('Password when `url` is not set; never logged.'))),
  database: v.optional(
    v.pipe(v.string(), v.description('Database name when `url` is not set (default postgres).')),
  ),
}

export interface PostgresConnectionConfig {
  url?: string
  host?: string
  port?: number
  username?: string
  password?: string
  database?: string
}

/** `primary_key`: one column or a list of columns. */
export const KeyColumns = v.union([v.string(), v.pipe(v.array(v.string()), v.minLength(1))])

/** Normalises a `primary_key` value to a list. */
export function keyList(key: string | string[] | undefined): string[] {
  if (key === undefined) return []
  return Array.isArray(key) ? key : [key]
}

/** The `primary_key` key, described for its connector. */
export function primaryKeyEntry(description: string) {
  return v.optional(v.pipe(KeyColumns, v.description(description)))
}

/** `page_size` of a SQL source, with the source's own default. */
export function pageSizeEntry(
  defaultSize: number,
  description = 'Rows per page (one page = one queue message).',
) {
  return v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.description(description)), defaultSize)
}

/** `query` and `page_size` of the SQL sources (they follow `table` in each source's config). */
export const SourceQueryEntries = {
  query: v.optional(
    v.pipe(
      v.string(),
      v.description(
        'A SELECT to read instead of a table. Set `primary_key` to paginate it by key (required for incremental).',
      ),
    ),
  ),
  page_size: pageSizeEntry(10000),
}

/** The common keys of a SQL source the engine adds to the connector's own. */
export interface SourceCommon {
  stream: string
  sync_mode: string
  cursor_field?: string
}

/** `table_prefix`, `write_mode` and `primary_key` of the SQL destinations; `upsertSql` names the statement. */
export function destinationEntries(upsertSql: string) {
  return {
    table_prefix: v.optional(
      v.pipe(
        v.string(),
        v.description('Prefix of every table name; the table is `<table_prefix><destination_id>`.'),
      ),
      '',
    ),
    write_mode: v.optional(
      v.pipe(
        v.picklist(['append', 'upsert']),
        v.description(
          `\`append\` adds every record; \`upsert\` inserts or updates rows by \`primary_key\` (${upsertSql}).`,
        ),
      ),
      'append',
    ),
    primary_key: primaryKeyEntry(
      'Column(s) identifying a row for `write_mode: upsert` (a unique key on the table). Default: source_record_id without unnest; required with unnest.',
    ),
  }
}

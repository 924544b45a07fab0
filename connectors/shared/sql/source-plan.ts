/** What a SQL source (postgres, sqlite) reads: its relation, message labels and checked keyset plan. */
import { BizonError, type SourceContext } from '../../../src/index.ts'
import { keyList } from './config.ts'
import type { ReadPlan } from './keyset.ts'
import { ident, relation, subquery } from './names.ts'

/** The keys of a SQL source config that say what it reads (`schema` only on postgres). */
export interface SourceTarget {
  stream: string
  table?: string
  schema?: string
  query?: string
  cursor_field?: string
  primary_key?: string | string[]
  page_size: number
}

/** The table read (undefined for a query) and its relation SQL: a quoted name or `(query)`. */
export function relationOf(config: SourceTarget): { table?: string; from: string } {
  const table = config.query ? undefined : (config.table ?? config.stream)
  return { table, from: table ? relation(table, config.schema) : subquery(config.query as string) }
}

/** What the source reads, for messages: `table "public"."users"` or `the query`. */
export function labelOf(config: SourceTarget): { what: string; key: string } {
  if (config.query) return { what: 'the query', key: 'source.query' }
  if (config.table) return { what: `table ${relation(config.table, config.schema)}`, key: 'source.table' }
  return {
    what: `table ${relation(config.stream, config.schema)}`,
    key: 'source.stream (or set source.table)',
  }
}

/** Checks cursor and configured key columns against the relation's `columns`; returns them. */
export function checkColumns(
  config: SourceTarget,
  ctx: SourceContext,
  columns: string[],
): { incremental: boolean; cursor?: string; pk: string[] } {
  const missing = (name: string, key: string) => {
    if (!columns.includes(name)) {
      throw new BizonError('config', `${key}: column "${name}" is not in ${labelOf(config).what}.`, {
        path: key,
        hint: `Columns: ${columns.join(', ')}.`,
      })
    }
  }
  const incremental = ctx.syncMode === 'incremental'
  const cursor = config.cursor_field
  if (incremental && !cursor) {
    throw new BizonError('config', 'source.cursor_field is required for sync_mode: incremental.', {
      path: 'source.cursor_field',
      hint: 'Name a column that grows when a row changes, e.g. updated_at.',
    })
  }
  if (cursor) missing(cursor, 'source.cursor_field')
  const pk = keyList(config.primary_key)
  for (const column of pk) missing(column, 'source.primary_key')
  return { incremental, cursor, pk }
}

/**
 * The keyset plan from the key found: `pk` data columns, else `rowKey` (ctid, rowid), else offset
 * pagination (full refresh only: incremental needs a key to break ties between equal cursors).
 */
export function keysetPlan(
  config: SourceTarget,
  found: { from: string; incremental: boolean; cursor?: string; pk: string[]; rowKey?: string },
  cursorIsTime: boolean,
): ReadPlan {
  const { from, incremental, cursor, pk, rowKey } = found
  if (incremental && pk.length === 0 && !rowKey) {
    throw new BizonError(
      'config',
      `source.primary_key is required to read ${labelOf(config).what} incrementally.`,
      {
        path: 'source.primary_key',
        hint: 'Name the column(s) that identify a row; they break ties between equal cursor values.',
      },
    )
  }
  const keyColumns = pk.map((c) => `t.${ident(c)}`)
  if (rowKey) keyColumns.push(rowKey)
  return {
    from,
    keys: incremental && cursor ? [`t.${ident(cursor)}`, ...keyColumns] : keyColumns,
    idColumns: pk,
    cursor,
    incremental,
    cursorIsTime,
    pageSize: config.page_size,
  }
}

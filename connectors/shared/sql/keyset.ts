/**
 * Keyset pagination shared by the SQL sources (postgres, sqlite): page queries ordered by
 * (cursor, primary key) so nothing is skipped or repeated across pages, and the incremental state.
 */
import type { IncrementalInfo, Page, Pagination, SourceRecord } from '../../../src/index.ts'

/** How a database spells parameters and key values that survive a JSON round trip. */
export interface Dialect {
  param(index: number): string
  /** Expression selecting a key column so its value can be stored in pagination JSON. */
  asKey(expr: string): string
}

export interface ReadPlan {
  /** Relation SQL: a quoted table name or `(query)`. */
  from: string
  /** Key expressions in order (`t."updated_at"`, `t."id"`); empty → offset pagination. */
  keys: string[]
  /** Data columns making a record id; empty → the last key (ctid/rowid) or the offset. */
  idColumns: string[]
  /** Cursor column (incremental, or full refresh keeping state for the next incremental run). */
  cursor?: string
  incremental: boolean
  /** The lastRun watermark may be compared with the cursor (a timestamp column). */
  cursorIsTime: boolean
  pageSize: number
}

/** Incremental state kept with the job (decision 17): the last (cursor, key) read. */
export interface CursorState {
  cursor_field: string
  cursor: unknown
  key?: unknown[]
}

const KEY = '__bizon_k'

/** The state of a previous run, if it was written for this cursor column. */
export function stateFor(plan: ReadPlan, state: unknown): CursorState | undefined {
  if (!plan.cursor || !state || typeof state !== 'object') return undefined
  const s = state as Partial<CursorState>
  if (s.cursor_field !== plan.cursor || s.cursor === undefined || s.cursor === null) return undefined
  return { cursor_field: s.cursor_field, cursor: s.cursor, key: Array.isArray(s.key) ? s.key : undefined }
}

/**
 * SQL and parameters of the next page; with `limited: false`, of every row from there on (read in
 * pages from one open cursor, so a table without an index on the keys is sorted once, not per page).
 */
export function pageQuery(
  d: Dialect,
  plan: ReadPlan,
  pagination: Pagination,
  incremental?: IncrementalInfo,
  limited = true,
): { text: string; params: unknown[] } {
  const params: unknown[] = []
  const p = (value: unknown) => {
    params.push(value)
    return d.param(params.length)
  }
  const tuple = (values: unknown[]) =>
    values.length === 1 ? p(values[0]) : `(${values.map((value) => p(value)).join(', ')})`
  const keys = plan.keys
  const row = keys.length === 1 ? keys[0] : `(${keys.join(', ')})`
  if (keys.length === 0) {
    const offset = typeof pagination.offset === 'number' ? pagination.offset : 0
    const limit = limited ? ` LIMIT ${plan.pageSize}` : ''
    return { text: `SELECT t.* FROM ${plan.from} AS t${limit} OFFSET ${p(offset)}`, params }
  }
  const where: string[] = []
  if (plan.incremental) where.push(`${keys[0]} IS NOT NULL`)
  const after = Array.isArray(pagination.after) ? pagination.after : undefined
  if (after && after.length === keys.length) where.push(`${row} > ${tuple(after)}`)
  else if (plan.incremental && incremental) {
    const state = stateFor(plan, incremental.state)
    if (state?.key && state.key.length === keys.length - 1)
      where.push(`${row} > ${tuple([state.cursor, ...state.key])}`)
    else if (state) where.push(`${keys[0]} >= ${p(state.cursor)}`)
    else if (plan.cursorIsTime) where.push(`${keys[0]} > ${p(incremental.lastRun.toISOString())}`)
  }
  const select = keys.map((key, i) => `${d.asKey(key)} AS "${KEY}${i}"`).join(', ')
  const filter = where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''
  return {
    text: `SELECT t.*, ${select} FROM ${plan.from} AS t${filter} ORDER BY ${keys.join(', ')}${limited ? ` LIMIT ${plan.pageSize}` : ''}`,
    params,
  }
}

function timestampOf(value: unknown): Date | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value
  if (typeof value === 'string' && /^\d{4}-\d\d-\d\d([ T]\d\d:\d\d)?/.test(value)) {
    const text =
      /[zZ]|[+-]\d\d:?\d\d$/.test(value) || value.length <= 10 ? value : `${value.replace(' ', 'T')}Z`
    const date = new Date(text)
    return Number.isNaN(date.getTime()) ? undefined : date
  }
  return undefined
}

/**
 * Turns fetched rows into a page: records without the key columns, the next pagination, and the
 * incremental state (last key read, else the one carried from before, so empty runs keep it).
 */
export function toPage(
  plan: ReadPlan,
  rows: Record<string, unknown>[],
  pagination: Pagination,
  incremental?: IncrementalInfo,
): Page {
  const n = plan.keys.length
  const offset = typeof pagination.offset === 'number' ? pagination.offset : 0
  const keyNames = Array.from({ length: n }, (_, i) => KEY + i)
  const idColumns = plan.idColumns
  const first = idColumns[0]
  // Only the last row's keys are kept (the next page starts after them): no array per row.
  const last = n > 0 && rows.length > 0 ? keyNames.map((k) => rows[rows.length - 1]![k]) : undefined
  const records: SourceRecord[] = new Array(rows.length)
  for (let index = 0; index < rows.length; index++) {
    const row = rows[index]!
    let id: string
    if (idColumns.length === 1) id = String(row[first!])
    else if (idColumns.length > 1) id = idColumns.map((c) => String(row[c])).join(':')
    else if (n > 0)
      id = String(row[keyNames[n - 1]!]) // the row id (ctid, rowid) ends the keys
    else id = String(offset + index)
    for (const k of keyNames) delete row[k]
    const record: SourceRecord = { id, data: row }
    if (plan.cursor) {
      const timestamp = timestampOf(row[plan.cursor])
      if (timestamp) record.timestamp = timestamp
    }
    records[index] = record
  }
  const full = rows.length >= plan.pageSize
  let next: Pagination | null = null
  if (full) next = n > 0 ? { ...pagination, after: last } : { ...pagination, offset: offset + rows.length }
  return {
    records,
    next,
    state: stateAfter(plan, last ?? (pagination.after as unknown[] | undefined), pagination, incremental),
  }
}

function stateAfter(
  plan: ReadPlan,
  lastKey: unknown[] | undefined,
  pagination: Pagination,
  incremental?: IncrementalInfo,
): CursorState | undefined {
  if (!plan.cursor) return undefined
  if (!plan.incremental) {
    // Full refresh: the highest cursor when the run started; later changes are read next time.
    const max = pagination.max
    return max === undefined || max === null ? undefined : { cursor_field: plan.cursor, cursor: max }
  }
  if (lastKey && lastKey.length === plan.keys.length) {
    return { cursor_field: plan.cursor, cursor: lastKey[0], key: lastKey.slice(1) }
  }
  return stateFor(plan, incremental?.state)
}

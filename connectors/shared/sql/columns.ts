/**
 * Column layouts of the SQL destinations (postgres, sqlite): the reference's six envelope columns,
 * or typed columns from `record_schemas` when `unnest` is set, and the row values of a record.
 */
import { BizonError, type DestinationContext, type DestinationRecord } from '../../../src/index.ts'
import { keyList } from './config.ts'

export type Kind = 'text' | 'integer' | 'float' | 'numeric' | 'boolean' | 'timestamp' | 'date' | 'json'

export interface Column {
  name: string
  kind: Kind
}

export interface Layout {
  columns: Column[]
  unnest: boolean
}

const KINDS: Record<string, Kind> = {
  string: 'text',
  text: 'text',
  varchar: 'text',
  integer: 'integer',
  int: 'integer',
  int64: 'integer',
  bigint: 'integer',
  float: 'float',
  float64: 'float',
  double: 'float',
  numeric: 'numeric',
  decimal: 'numeric',
  bignumeric: 'numeric',
  boolean: 'boolean',
  bool: 'boolean',
  timestamp: 'timestamp',
  timestamptz: 'timestamp',
  datetime: 'timestamp',
  date: 'date',
  json: 'json',
  jsonb: 'json',
  record: 'json',
}

/** Type names accepted in `record_schemas[].record_schema[].type` (case-insensitive). */
export const TYPE_NAMES = Object.keys(KINDS)

export const ENVELOPE: Column[] = [
  { name: 'bizon_id', kind: 'text' },
  { name: 'bizon_extracted_at', kind: 'timestamp' },
  { name: 'bizon_loaded_at', kind: 'timestamp' },
  { name: 'source_record_id', kind: 'text' },
  { name: 'source_timestamp', kind: 'timestamp' },
  { name: 'source_data', kind: 'json' },
]

/** The columns a destination id is written with; throws a config error for unknown types. */
export function layoutFor(
  ctx: Pick<DestinationContext, 'unnest' | 'recordSchemas'>,
  destinationId: string,
): Layout {
  if (!ctx.unnest) return { columns: ENVELOPE, unnest: false }
  const index = ctx.recordSchemas.findIndex((s) => s.destination_id === destinationId)
  const schema =
    index >= 0 ? ctx.recordSchemas[index] : ctx.recordSchemas.length === 1 ? ctx.recordSchemas[0] : undefined
  if (!schema) {
    throw new BizonError(
      'config',
      `destination.config.record_schemas has no entry for destination_id "${destinationId}".`,
      {
        path: 'destination.config.record_schemas',
        hint: `Add a record_schemas item with destination_id: ${destinationId}, or set unnest: false.`,
      },
    )
  }
  const at = `destination.config.record_schemas[${Math.max(index, 0)}]`
  const columns = schema.record_schema.map((column, i) => {
    const kind = KINDS[column.type.toLowerCase()]
    if (!kind) {
      throw new BizonError('config', `${at}.record_schema[${i}].type: unknown type "${column.type}".`, {
        path: `${at}.record_schema[${i}].type`,
        hint: `Use one of: ${TYPE_NAMES.join(', ')}.`,
      })
    }
    return { name: column.name, kind }
  })
  return { columns, unnest: true }
}

/** Checks that the key columns exist in the layout; returns them. */
export function checkKey(layout: Layout, key: string[], path: string): string[] {
  const names = new Set(layout.columns.map((c) => c.name))
  for (const column of key) {
    if (!names.has(column)) {
      throw new BizonError('config', `${path}: column "${column}" is not written by this destination.`, {
        path,
        hint: `Columns: ${[...names].join(', ')}.`,
      })
    }
  }
  return key
}

/** The upsert key of a layout: `primary_key`, else source_record_id for the envelope. */
export function upsertKey(
  config: { write_mode: string; primary_key?: string | string[] },
  layout: Layout,
): string[] {
  if (config.write_mode !== 'upsert') return []
  const key = keyList(config.primary_key)
  if (key.length === 0 && !layout.unnest) return ['source_record_id']
  if (key.length === 0) {
    throw new BizonError(
      'config',
      'destination.config.primary_key is required for write_mode: upsert with unnest.',
      {
        path: 'destination.config.primary_key',
        hint: 'Name the record_schemas column(s) that identify a record.',
      },
    )
  }
  return checkKey(layout, key, 'destination.config.primary_key')
}

/**
 * Row values in column order. Envelope: strings and Dates (source_data stays JSON text).
 * Unnest: the parsed payload's fields (missing → null); a field outside the schema is an error,
 * because dropping it silently would lose data.
 */
export function rowValues(record: DestinationRecord, layout: Layout): unknown[] {
  if (!layout.unnest) {
    return [
      record.bizon_id,
      record.bizon_extracted_at,
      record.bizon_loaded_at,
      record.source_record_id,
      record.source_timestamp,
      record.source_data,
    ]
  }
  const data = JSON.parse(record.source_data) as Record<string, unknown>
  const columns = layout.columns
  let known = 0
  const values = new Array(columns.length)
  for (let i = 0; i < columns.length; i++) {
    const value = data[columns[i].name]
    if (value !== undefined) known++
    values[i] = value === undefined ? null : value
  }
  if (known !== Object.keys(data).length) {
    const names = new Set(columns.map((c) => c.name))
    const extra = Object.keys(data).filter((k) => !names.has(k))
    throw new BizonError(
      'destination',
      `Record ${record.source_record_id} has fields not in record_schemas: ${extra.join(', ')}. Add them to destination.config.record_schemas or drop them with a transform.`,
    )
  }
  return values
}

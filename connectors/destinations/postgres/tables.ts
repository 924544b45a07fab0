/** DDL of the postgres destination: schema, tables, the upsert key and the staging swap. */
import type { Sql, TransactionSql } from 'postgres'
import { BizonError } from '../../../src/index.ts'
import type { Kind, Layout } from '../../shared/sql/columns.ts'
import { ident } from '../../shared/sql/names.ts'

export const STAGING_SUFFIX = '__bizon_staging'
const MAX_NAME = 63 // PostgreSQL truncates longer identifiers silently

const TYPES: Record<Kind, string> = {
  text: 'text',
  integer: 'bigint',
  float: 'double precision',
  numeric: 'numeric',
  boolean: 'boolean',
  timestamp: 'timestamptz',
  date: 'date',
  json: 'jsonb',
}

type Db = Sql | TransactionSql

export function rel(schema: string, table: string): string {
  return `${ident(schema)}.${ident(table)}`
}

/** The staging table of `table`; refuses names PostgreSQL would truncate (they could collide). */
export function stagingName(table: string): string {
  const name = table + STAGING_SUFFIX
  if (Buffer.byteLength(name) > MAX_NAME) {
    throw new BizonError(
      'config',
      `Table name "${table}" is too long for its staging table (at most ${MAX_NAME - STAGING_SUFFIX.length} bytes).`,
      { path: 'destination.config.destination_id', hint: 'Use a shorter destination_id or table_prefix.' },
    )
  }
  return name
}

export function columnDefs(layout: Layout): string {
  return layout.columns.map((c) => `${ident(c.name)} ${TYPES[c.kind]}`).join(', ')
}

export async function ensureSchema(sql: Db, schema: string): Promise<void> {
  try {
    await sql.unsafe(`CREATE SCHEMA IF NOT EXISTS ${ident(schema)}`)
  } catch (error) {
    // Two runs creating the schema at once: the loser sees a duplicate; the schema exists either way.
    const code = (error as { code?: string }).code
    if (code !== '42P06' && code !== '23505') throw error
  }
}

/** Creates the table when missing, with a primary key on `key` when one is given. */
export async function createTable(sql: Db, target: string, layout: Layout, key: string[]): Promise<void> {
  const pk = key.length > 0 ? `, PRIMARY KEY (${key.map(ident).join(', ')})` : ''
  try {
    await sql.unsafe(`CREATE TABLE IF NOT EXISTS ${target} (${columnDefs(layout)}${pk})`)
  } catch (error) {
    if ((error as { code?: string }).code !== '23505') throw error
  }
}

/** ON CONFLICT needs a unique index on exactly the key: add one when the table has none. */
export async function ensureUniqueKey(sql: Db, schema: string, table: string, key: string[]): Promise<void> {
  const rows = await sql.unsafe(
    `SELECT 1 FROM pg_index i
      WHERE i.indrelid = $1::regclass AND i.indisunique AND i.indpred IS NULL AND i.indexprs IS NULL
        AND (SELECT array_agg(a.attname::text ORDER BY a.attname::text) FROM pg_attribute a
              WHERE a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)) = $2::text[]
        AND i.indnkeyatts = $3`,
    [rel(schema, table), [...key].sort(), key.length],
  )
  if (rows.length > 0) return
  const index = ident(`${table}__bizon_key`.slice(0, MAX_NAME))
  await sql.unsafe(
    `CREATE UNIQUE INDEX IF NOT EXISTS ${index} ON ${rel(schema, table)} (${key.map(ident).join(', ')})`,
  )
}

export async function tableExists(sql: Db, schema: string, table: string): Promise<boolean> {
  const rows = await sql.unsafe('SELECT to_regclass($1) IS NOT NULL AS present', [rel(schema, table)])
  return rows[0]?.present === true
}

/**
 * Replaces `table` with its staging table inside the caller's transaction, so readers see the old
 * table until commit and the complete new one after. No staging → nothing to do (idempotent).
 */
export async function swapIn(tx: TransactionSql, schema: string, table: string): Promise<boolean> {
  const staging = stagingName(table)
  if (!(await tableExists(tx, schema, staging))) return false
  await tx.unsafe(`DROP TABLE IF EXISTS ${rel(schema, table)}`)
  await tx.unsafe(`ALTER TABLE ${rel(schema, staging)} RENAME TO ${ident(table)}`)
  // Keep the usual `<table>_pkey` name, so the next staging table can take its own.
  const pk = await tx.unsafe(
    `SELECT conname::text AS name FROM pg_constraint WHERE conrelid = $1::regclass AND contype = 'p'`,
    [rel(schema, table)],
  )
  const wanted = `${table}_pkey`
  if (pk[0] && pk[0].name !== wanted && Buffer.byteLength(wanted) <= MAX_NAME) {
    await tx.unsafe(
      `ALTER TABLE ${rel(schema, table)} RENAME CONSTRAINT ${ident(pk[0].name)} TO ${ident(wanted)}`,
    )
  }
  return true
}

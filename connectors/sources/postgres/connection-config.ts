/** Connection keys shared by the postgres source and destination (schema only: no driver import). */
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

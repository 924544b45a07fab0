/** Declarations of the state backends (`engine.backend.type`); implementations load on first use. */
import * as v from 'valibot'
import { BizonError } from '../errors.ts'
import type { BackendDeclaration } from './types.ts'

/** The keys every backend accepts (reference §2.5), described for the backend at hand. */
function common(about: { database: string; schema: string }) {
  return {
    database: v.optional(v.pipe(v.string(), v.minLength(1), v.description(about.database)), 'bizon'),
    schema: v.optional(v.pipe(v.string(), v.minLength(1), v.description(about.schema)), 'public'),
    syncCursorInDBEvery: v.optional(
      v.pipe(
        v.number(),
        v.integer(),
        v.minValue(1),
        v.description('Write a destination cursor (checkpoint) every N flushes of the destination buffer.'),
      ),
      10,
    ),
    echoEngine: v.optional(
      v.pipe(v.boolean(), v.description('Print every SQL statement the backend runs to stderr (debugging).')),
      false,
    ),
  }
}

export const SqliteBackendConfig = v.object(
  common({
    database: 'Path of the state file without its `.sqlite3` suffix, relative to the working directory.',
    schema: 'Accepted for compatibility; unused by sqlite.',
  }),
)

export type SqliteBackendConfig = v.InferOutput<typeof SqliteBackendConfig>

export const MemoryBackendConfig = v.object(
  common({
    database: 'Name of the in-memory database: components of one process using the same name share it.',
    schema: 'Accepted for compatibility; unused.',
  }),
)

export const PostgresBackendConfig = v.object({
  ...common({
    database: 'Database to connect to (when `url` names none).',
    schema: 'Schema holding the state tables; created when missing.',
  }),
  url: v.optional(
    v.pipe(
      v.string(),
      v.description(
        'postgres://user:password@host:port/database URL; replaces host, port, username, password and database.',
      ),
    ),
  ),
  host: v.optional(
    v.pipe(v.string(), v.minLength(1), v.description('PostgreSQL host (when `url` is not set).')),
  ),
  port: v.optional(
    v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(65535), v.description('PostgreSQL port.')),
    5432,
  ),
  username: v.optional(v.pipe(v.string(), v.description('PostgreSQL user.'))),
  password: v.optional(v.pipe(v.string(), v.description('PostgreSQL password (use a secret reference).'))),
})
export type PostgresBackendConfig = v.InferOutput<typeof PostgresBackendConfig>

/** Applies defaults when called with a raw block (tests, tools); the engine passes validated configs. */
function parse<S extends v.GenericSchema>(schema: S, config: unknown, backend: string): v.InferOutput<S> {
  const result = v.safeParse(schema, config ?? {})
  if (result.success) return result.output
  const issue = result.issues[0]
  const path = `engine.backend.config${issue.path ? `.${issue.path.map((p) => p.key).join('.')}` : ''}`
  throw new BizonError('config', `Backend "${backend}": ${path}: ${issue.message}`, { path })
}

/** A SQLite backend (a file, or memory shared within the process) validated with `schema`. */
function sqliteBackend(
  name: 'sqlite' | 'sqlite_in_memory',
  summary: string,
  schema: typeof SqliteBackendConfig,
): BackendDeclaration {
  return {
    kind: 'backend',
    name,
    summary,
    config: schema,
    async create(config: SqliteBackendConfig) {
      const { openSqlite } = await import('./sqlite/backend.ts')
      return openSqlite(name, parse(schema, config, name))
    },
  }
}

export const backends: BackendDeclaration[] = [
  sqliteBackend(
    'sqlite',
    'State in a local SQLite file `<database>.sqlite3` (default; WAL).',
    SqliteBackendConfig,
  ),
  sqliteBackend(
    'sqlite_in_memory',
    'State in memory, shared by every component of the process; lost at exit (tests).',
    MemoryBackendConfig,
  ),
  {
    kind: 'backend',
    name: 'postgres',
    summary: 'State in PostgreSQL tables in `schema`, shared by pipelines on many hosts.',
    config: PostgresBackendConfig,
    async create(config: PostgresBackendConfig) {
      const parsed = parse(PostgresBackendConfig, config, 'postgres')
      if (!parsed.url && !parsed.host) {
        throw new BizonError(
          'config',
          'Backend "postgres" needs engine.backend.config.url or engine.backend.config.host.',
          {
            path: 'engine.backend.config.host',
            hint: 'Set url: postgres://user@host:5432/database, or host (with port, username, password, database).',
          },
        )
      }
      if (parsed.url && !/^postgres(ql)?:$/.test(URL.parse(parsed.url)?.protocol ?? '')) {
        // The url may carry a password: never repeat it.
        throw new BizonError(
          'config',
          'Backend "postgres": engine.backend.config.url is not a postgres:// URL.',
          {
            path: 'engine.backend.config.url',
            hint: 'Write it as postgres://user:password@host:5432/database.',
          },
        )
      }
      const { PostgresBackend } = await import('./postgres/backend.ts')
      return new PostgresBackend(parsed)
    },
  },
]

export function findBackend(name: string): BackendDeclaration | undefined {
  return backends.find((backend) => backend.name === name)
}

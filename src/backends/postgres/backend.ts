/** PostgreSQL state store (postgres.js): tables in the configured schema, survives server restarts. */
import postgres from 'postgres'
import { parseTimestamp } from '../../engine/ids.ts'
import { BizonError } from '../../errors.ts'
import type { PostgresBackendConfig } from '../index.ts'
import { leaseInsertParams, leasePlan } from '../lease.ts'
import { ddl, ident, type Row, stamp, TABLES, toLease } from '../sql.ts'
import { SqlBackend } from '../sql-backend.ts'
import type { LeaseResult, SyncKey } from '../types.ts'
import { connectionTarget, isConnectionError, isDuplicateObject, redactor } from './errors.ts'

export interface RetryOptions {
  /** Connection attempts before giving up (default 5). */
  tries?: number
  /** First pause between attempts, doubled each time (default 600 ms: 5 tries span ~10 s). */
  backoffMs?: number
}

const TIMESTAMP_OID = 1114

export class PostgresBackend extends SqlBackend {
  readonly type = 'postgres'
  protected readonly nextStep = 'Check engine.backend.config and the PostgreSQL server log.'
  private readonly sql: postgres.Sql
  private readonly schema: string
  private readonly target: string
  private readonly redact: (text: string) => string
  private readonly tries: number
  private readonly backoffMs: number
  private connecting: Promise<void> | undefined

  constructor(config: PostgresBackendConfig, retry: RetryOptions = {}) {
    super('postgres', config.schema)
    this.schema = config.schema
    this.tries = retry.tries ?? 5
    this.backoffMs = retry.backoffMs ?? 600
    this.target = connectionTarget(config)
    this.redact = redactor(config)
    const options: postgres.Options<Record<string, postgres.PostgresType>> = {
      max: 2,
      connect_timeout: 10,
      fetch_types: false,
      onnotice: () => {}, // "relation already exists, skipping" is expected when many runs start
      connection: { application_name: 'bizon' },
      // Columns are `timestamp` holding UTC: read them as UTC whatever the client's time zone.
      types: { utc: { to: TIMESTAMP_OID, from: [TIMESTAMP_OID], serialize: String, parse: parseTimestamp } },
      debug: config.echoEngine
        ? (_connection, query) => process.stderr.write(`[backend:postgres] ${query.replace(/\s+/g, ' ')}\n`)
        : undefined,
    }
    if (config.url) {
      const url = new URL(config.url)
      const database = url.pathname.length > 1 ? undefined : config.database
      this.sql = postgres(config.url, { ...options, database })
    } else {
      this.sql = postgres({
        ...options,
        host: config.host,
        port: config.port,
        database: config.database,
        username: config.username,
        password: config.password,
      })
    }
  }

  protected all(sql: string, params: unknown[]): Promise<Row[]> {
    return this.call(() =>
      this.sql.unsafe(sql, params as postgres.ParameterOrJSON<never>[], { prepare: true }),
    )
  }

  protected async run(sql: string, params: unknown[]): Promise<number> {
    const result = await this.call(() =>
      this.sql.unsafe(sql, params as postgres.ParameterOrJSON<never>[], { prepare: true }),
    )
    return result.count
  }

  /**
   * Runs `work`, and once more after reconnecting when the connection dropped (a PostgreSQL
   * restart mid-run). Safe because every insert carries its id and `ON CONFLICT DO NOTHING`.
   */
  private async call<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work()
    } catch (error) {
      if (!isConnectionError(error)) throw error
      await this.connect()
      return work()
    }
  }

  /** Waits until the server answers, backing off exponentially; one attempt at a time. */
  private connect(): Promise<void> {
    this.connecting ??= this.tryConnect().finally(() => {
      this.connecting = undefined
    })
    return this.connecting
  }

  private async tryConnect(): Promise<void> {
    let pause = this.backoffMs
    for (let attempt = 1; ; attempt++) {
      try {
        await this.sql.unsafe('SELECT 1')
        return
      } catch (error) {
        if (!isConnectionError(error) || attempt >= this.tries) {
          const cause = this.redact(error instanceof Error ? error.message : String(error))
          throw new BizonError(
            'connection',
            `Backend "postgres" could not connect to ${this.target}: ${cause}. Check engine.backend.config.`,
            { path: 'engine.backend.config' },
          )
        }
        await Bun.sleep(pause)
        pause *= 2
      }
    }
  }

  async check(): Promise<void> {
    await this.connect()
  }

  async init(): Promise<void> {
    await this.connect()
    await this.attempt('create its tables', () => this.call(() => this.createTables()))
  }

  /**
   * Creates what is missing under a transaction-scoped advisory lock, so pipelines starting together
   * never race; objects that exist are not touched (a user without CREATE rights can still run).
   */
  private async createTables(): Promise<void> {
    try {
      await this.sql.begin(async (tx) => {
        await tx.unsafe('SELECT pg_advisory_xact_lock(hashtext($1))', [`bizon:ddl:${this.schema}`])
        const present = new Set(
          (
            await tx.unsafe(
              `SELECT ' schema' AS name FROM pg_namespace WHERE nspname = $1
             UNION ALL SELECT tablename FROM pg_tables WHERE schemaname = $1
             UNION ALL SELECT indexname FROM pg_indexes WHERE schemaname = $1`,
              [this.schema],
            )
          ).map((row) => row.name as string),
        )
        if (!present.has(' schema')) await tx.unsafe(`CREATE SCHEMA IF NOT EXISTS ${ident(this.schema)}`)
        for (const statement of ddl('postgres', this.schema)) {
          if (present.has(statement.name)) continue
          if (statement.kind === 'table') {
            await tx.unsafe(statement.sql)
            continue
          }
          // Indexes only speed up lookups: lacking the right to create one is no reason to stop.
          await tx
            .savepoint((sp) => sp.unsafe(statement.sql))
            .catch((error) => {
              if ((error as { code?: string }).code !== '42501') throw error
            })
        }
      })
    } catch (error) {
      // Reference §5.3: a creator without our lock (an older bizon) may win the race; fine if all is there.
      if (!isDuplicateObject(error) || !(await this.tablesPresent())) throw error
    }
  }

  private async tablesPresent(): Promise<boolean> {
    const rows = await this.sql.unsafe('SELECT tablename FROM pg_tables WHERE schemaname = $1', [this.schema])
    const names = new Set(rows.map((row) => row.tablename as string))
    return TABLES.every((table) => names.has(table))
  }

  acquireLease(key: SyncKey, holder: string, ttlMs: number): Promise<LeaseResult> {
    const keys = [key.name, key.sourceName, key.streamName]
    return this.attempt('take the run lease', () =>
      this.call(() =>
        this.sql.begin(async (tx): Promise<LeaseResult> => {
          const now = stamp()
          // Insert-if-free, else lock the row: two runs starting together cannot both see it free.
          for (;;) {
            const inserted = await tx.unsafe(
              this.q.leaseInsertIfFree,
              leaseInsertParams(key, holder, now) as never[],
            )
            if (inserted.count === 1) return { ok: true }
            const [row] = await tx.unsafe(`${this.q.leaseGet} FOR UPDATE`, keys)
            if (!row) continue // released in between: free again
            const plan = leasePlan(toLease(row), key, holder, ttlMs, now)
            if ('refuse' in plan) return { ok: false, lease: plan.refuse }
            await tx.unsafe(this.q.leaseTake, plan.params as never[])
            return { ok: true }
          }
        }),
      ),
    )
  }

  async close(): Promise<void> {
    // Every statement was awaited, so nothing is in flight; the short timeout is for a connection the
    // server cut earlier, whose socket never reports closing under Bun and would hold end() forever.
    await this.sql.end({ timeout: 0.5 })
  }
}

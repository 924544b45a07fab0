/** bun:sqlite state store: `<database>.sqlite3` in WAL mode, or one shared in-memory database. */
import { Database } from 'bun:sqlite'
import { mkdirSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { BizonError, messageOf } from '../../errors.ts'
import type { SqliteBackendConfig } from '../index.ts'
import { leaseInsertParams, leasePlan } from '../lease.ts'
import { ddl, type Row, stamp, TABLES, toLease } from '../sql.ts'
import { SqlBackend } from '../sql-backend.ts'
import type { LeaseResult, SyncKey } from '../types.ts'

const BUSY_TIMEOUT_MS = 30_000

/** Decision 10: every component of the process sees the same in-memory state, per `database`. */
const memoryDatabases = new Map<string, Database>()

export function sqliteFile(database: string): string {
  return resolve(process.cwd(), `${database}.sqlite3`)
}

export function openSqlite(type: 'sqlite' | 'sqlite_in_memory', config: SqliteBackendConfig): SqliteBackend {
  if (type === 'sqlite_in_memory') {
    let db = memoryDatabases.get(config.database)
    if (!db) {
      db = new Database(':memory:')
      memoryDatabases.set(config.database, db)
    }
    return new SqliteBackend(type, db, `memory:${config.database}`, true, config.echoEngine)
  }
  const file = sqliteFile(config.database)
  try {
    mkdirSync(dirname(file), { recursive: true })
    const db = new Database(file, { create: true })
    db.run(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`)
    whileBusy(() => db.run('PRAGMA journal_mode = WAL'))
    db.run('PRAGMA synchronous = NORMAL')
    return new SqliteBackend(type, db, file, false, config.echoEngine)
  } catch (error) {
    throw new BizonError(
      'backend',
      `Backend "sqlite" could not open ${file}: ${messageOf(error)}. Check engine.backend.config.database and that the folder is writable.`,
      { path: 'engine.backend.config.database', cause: error },
    )
  }
}

/**
 * Retries `work` while another connection holds a lock the busy handler does not wait for
 * (switching a fresh file to WAL while other processes open it).
 */
function whileBusy<T>(work: () => T): T {
  const deadline = Date.now() + BUSY_TIMEOUT_MS
  for (;;) {
    try {
      return work()
    } catch (error) {
      const code = (error as { code?: string }).code ?? ''
      if (!code.startsWith('SQLITE_BUSY') && !code.startsWith('SQLITE_LOCKED')) throw error
      if (Date.now() > deadline) throw error
      Bun.sleepSync(5 + Math.random() * 20)
    }
  }
}

export class SqliteBackend extends SqlBackend {
  protected readonly nextStep: string

  constructor(
    readonly type: 'sqlite' | 'sqlite_in_memory',
    private readonly db: Database,
    readonly location: string,
    private readonly shared: boolean,
    private readonly echo: boolean,
  ) {
    super('sqlite')
    this.nextStep = shared
      ? 'This is a bug in bizon; please report it.'
      : `Check that ${location} is writable and not damaged.`
  }

  protected async all(sql: string, params: unknown[]): Promise<Row[]> {
    if (this.echo) this.print(sql)
    // db.query caches the prepared statement per SQL text: the hot path (one cursor per flush) reuses it.
    return this.db.query(sql).all(...(params as never[])) as Row[]
  }

  protected async run(sql: string, params: unknown[]): Promise<number> {
    if (this.echo) this.print(sql)
    return this.db.query(sql).run(...(params as never[])).changes
  }

  private print(sql: string): void {
    process.stderr.write(`[backend:${this.type}] ${sql.replace(/\s+/g, ' ')}\n`)
  }

  async init(): Promise<void> {
    const statements = ddl('sqlite')
    try {
      // IMMEDIATE takes the write lock first, so processes creating the tables at once queue up.
      whileBusy(() =>
        this.db
          .transaction(() => {
            for (const statement of statements) this.db.run(statement.sql)
          })
          .immediate(),
      )
    } catch (error) {
      // Reference §5.3: losing a creation race is fine as long as the tables are there now.
      const present = this.db.query("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Row[]
      const names = new Set(present.map((row) => row.name))
      if (TABLES.every((table) => names.has(table))) return
      throw new BizonError(
        'backend',
        `Backend "${this.type}" could not create its tables: ${messageOf(error)}. ${this.nextStep}`,
        { cause: error },
      )
    }
  }

  acquireLease(key: SyncKey, holder: string, ttlMs: number): Promise<LeaseResult> {
    return this.attempt('take the run lease', async () =>
      whileBusy(() =>
        this.db
          .transaction((): LeaseResult => {
            const now = stamp()
            if (
              this.db.query(this.q.leaseInsertIfFree).run(...(leaseInsertParams(key, holder, now) as never[]))
                .changes
            ) {
              return { ok: true }
            }
            const row = this.db.query(this.q.leaseGet).get(key.name, key.sourceName, key.streamName) as Row
            const plan = leasePlan(toLease(row), key, holder, ttlMs, now)
            if ('refuse' in plan) return { ok: false, lease: plan.refuse }
            this.db.query(this.q.leaseTake).run(...(plan.params as never[]))
            return { ok: true }
          })
          .immediate(),
      ),
    )
  }

  async close(): Promise<void> {
    // The shared in-memory database lives as long as the process: other components still use it.
    if (!this.shared) this.db.close()
  }
}

/** Opens postgres.js connections for the postgres connectors; errors never carry the password. */
import postgres, { type Sql } from 'postgres'
import { BizonError } from '../../../src/index.ts'
import type { PostgresConnectionConfig } from './config.ts'

/** Who is connecting, for error messages: `Source "postgres"` and where its keys live. */
export interface Owner {
  component: 'Source' | 'Destination'
  name: string
  /** Config path of the connector's keys: `source` or `destination.config`. */
  path: string
}

export interface Connection {
  sql: Sql
  /** `host:port` for messages. */
  target: string
  /** Builds a run-time error: `<Owner> could not <action>: <cause>. <next>` without secrets. */
  fail(action: string, cause: unknown, next: string): BizonError
  /** How many connections of the pool have closed so far (killed, network, server restart). */
  closes(): number
  close(): Promise<void>
}

function targetOf(config: PostgresConnectionConfig): string {
  if (config.url) {
    try {
      const url = new URL(config.url)
      return `${url.hostname || 'localhost'}:${url.port || 5432}`
    } catch {
      return 'the server in the url'
    }
  }
  return `${config.host ?? '127.0.0.1'}:${config.port ?? 5432}`
}

function secretsOf(config: PostgresConnectionConfig): string[] {
  const out: string[] = []
  if (config.password) out.push(config.password)
  if (config.url) {
    out.push(config.url)
    try {
      const pass = new URL(config.url).password
      if (pass) out.push(pass, decodeURIComponent(pass))
    } catch {}
  }
  return out.filter((s) => s.length > 0).sort((a, b) => b.length - a.length)
}

/** The cause's message with secrets masked and without a trailing period. */
export function causeText(cause: unknown, secrets: string[]): string {
  let text = cause instanceof Error ? cause.message : String(cause)
  if (!text && cause && typeof cause === 'object' && 'code' in cause) text = String(cause.code)
  for (const secret of secrets) text = text.replaceAll(secret, '***')
  return text.replace(/[.\s]+$/, '')
}

// postgres.js turns a parameter the server types as a timestamp into a JS Date (milliseconds),
// which would shift keyset bounds taken from microsecond text; send strings unchanged instead.
// Timestamps without a time zone are read as UTC, whatever the TZ of the host.
const passText = (x: unknown) => (x instanceof Date ? x.toISOString() : String(x))
const TYPES = {
  bizon_dates: { to: 1184, from: [1082, 1184], serialize: passText, parse: (x: string) => new Date(x) },
  bizon_timestamp: {
    to: 1114,
    from: [1114],
    serialize: passText,
    parse: (x: string) => new Date(`${x.replace(' ', 'T')}Z`),
  },
}

/**
 * Connects and runs `select 1`, so a bad address or login fails here with a clear message.
 * `keepOpen`: connections are never closed for idleness or age, so one can hold a transaction.
 */
export async function connect(
  config: PostgresConnectionConfig,
  owner: Owner,
  max = 1,
  keepOpen = false,
): Promise<Connection> {
  const target = targetOf(config)
  const secrets = secretsOf(config)
  const who = `${owner.component} "${owner.name}"`
  const fail = (action: string, cause: unknown, next: string) =>
    new BizonError(
      owner.component === 'Source' ? 'source' : 'destination',
      `${who} could not ${action}: ${causeText(cause, secrets)}. ${next}`,
    )
  let closes = 0
  const options = {
    max,
    onnotice: () => {},
    onclose: () => {
      closes++
    },
    connect_timeout: 10,
    idle_timeout: keepOpen ? 0 : 30,
    ...(keepOpen ? { max_lifetime: 0 } : {}),
    connection: { application_name: 'bizon' },
    types: TYPES,
  }
  let sql: Sql | undefined
  try {
    sql = config.url
      ? postgres(config.url, options)
      : postgres({
          ...options,
          host: config.host ?? '127.0.0.1',
          port: config.port ?? 5432,
          username: config.username ?? 'postgres',
          password: config.password,
          database: config.database ?? 'postgres',
        })
    await sql`select 1`
  } catch (error) {
    await sql?.end({ timeout: 0 }).catch(() => {})
    const keys = config.url
      ? `${owner.path}.url`
      : `${owner.path}.host, port, username, password and database`
    throw new BizonError(
      'connection',
      `${who} could not connect to ${target}: ${causeText(error, secrets)}. Check ${keys}.`,
    )
  }
  return {
    sql: sql as Sql,
    target,
    fail,
    closes: () => closes,
    close: () => sql.end({ timeout: 5 }),
  }
}

/** Classifying postgres.js errors, and keeping the password out of messages. */
import type { PostgresBackendConfig } from '../index.ts'

/** Socket-level failures (node and postgres.js codes) and server states that a reconnect fixes. */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
  '57P01', // admin_shutdown: the server is stopping or our backend was terminated
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now: the server is starting up
])

export function isConnectionError(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code
  if (typeof code !== 'string') return false
  return CONNECTION_CODES.has(code) || code.startsWith('08')
}

/** duplicate_table, duplicate_schema, duplicate_object, unique_violation (a catalog row). */
export function isDuplicateObject(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code
  return code === '42P07' || code === '42P06' || code === '42710' || code === '23505'
}

/** `host:port` as a person would look for it, from the url or the separate keys. */
export function connectionTarget(config: PostgresBackendConfig): string {
  if (config.url) {
    const url = new URL(config.url)
    return `${url.hostname || 'localhost'}:${url.port || 5432}`
  }
  return `${config.host}:${config.port}`
}

/** Replaces the password (from the keys or the url) wherever a driver message might echo it. */
export function redactor(config: PostgresBackendConfig): (text: string) => string {
  const secrets: string[] = []
  if (config.password) secrets.push(config.password)
  if (config.url) {
    const url = new URL(config.url)
    if (url.password) secrets.push(url.password, decodeURIComponent(url.password))
    secrets.push(config.url)
  }
  return (text) => secrets.reduce((out, secret) => (secret ? out.replaceAll(secret, '***') : out), text)
}

/** NATS connection keys shared by the `nats` source and destination, and connecting with them. */
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import type { NatsConnection } from '@nats-io/transport-node'
import { BizonError, v } from '../../../src/index.ts'

export const NatsConnectionKeys = {
  servers: v.pipe(
    v.optional(v.union([v.string(), v.array(v.string())]), 'nats://127.0.0.1:4222'),
    v.description('NATS server URL or list of URLs.'),
  ),
  user: v.pipe(v.optional(v.string()), v.description('User name (with `password`).')),
  password: v.pipe(v.optional(v.string()), v.description('Password (use env:// or a secret reference).')),
  token: v.pipe(v.optional(v.string()), v.description('Authentication token.')),
  nkey: v.pipe(v.optional(v.string()), v.description('NKey seed (starts with SU).')),
  creds_file: v.pipe(v.optional(v.string()), v.description('Path of a .creds file (JWT + NKey seed).')),
  tls: v.pipe(
    v.optional(
      v.object({
        ca_file: v.pipe(v.optional(v.string()), v.description('CA certificate (PEM).')),
        cert_file: v.pipe(v.optional(v.string()), v.description('Client certificate (PEM).')),
        key_file: v.pipe(v.optional(v.string()), v.description('Client private key (PEM).')),
      }),
    ),
    v.description('TLS options; set to use TLS.'),
  ),
}

export interface NatsConnectionConfig {
  servers: string | string[]
  user?: string
  password?: string
  token?: string
  nkey?: string
  creds_file?: string
  tls?: { ca_file?: string; cert_file?: string; key_file?: string }
}

const redact = (servers: string | string[]) =>
  (Array.isArray(servers) ? servers : [servers]).map((s) => s.replace(/\/\/[^@/]*@/, '//***@')).join(', ')

/** Connects once (a clear error if that fails), then reconnects forever if the server restarts. */
export async function openNats(
  config: NatsConnectionConfig,
  what: string,
  baseDir: string,
): Promise<NatsConnection> {
  const { connect, credsAuthenticator, nkeyAuthenticator } = await import('@nats-io/transport-node')
  const file = (path: string) => resolve(baseDir, path)
  try {
    return await connect({
      servers: config.servers,
      name: `bizon ${what}`,
      user: config.user,
      pass: config.password,
      token: config.token,
      authenticator: config.creds_file
        ? credsAuthenticator(readFileSync(file(config.creds_file)))
        : config.nkey
          ? nkeyAuthenticator(new TextEncoder().encode(config.nkey))
          : undefined,
      tls: config.tls
        ? {
            caFile: config.tls.ca_file && file(config.tls.ca_file),
            certFile: config.tls.cert_file && file(config.tls.cert_file),
            keyFile: config.tls.key_file && file(config.tls.key_file),
          }
        : undefined,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 1000,
    })
  } catch (error) {
    const cause = error instanceof Error ? error.message : String(error)
    throw new BizonError(
      'connection',
      `${what} could not connect to ${redact(config.servers)}: ${cause}. Check servers and the credentials.`,
      { cause: error },
    )
  }
}

/** Acks by publishing to each message's ack subject, re-sent until a flush proves the server has them. */
export async function confirmAcks(nc: NatsConnection, replies: string[], what: string): Promise<void> {
  const ack = new TextEncoder().encode('+ACK')
  const deadline = Date.now() + 60_000
  for (let attempt = 0; replies.length > 0; attempt++) {
    try {
      for (const reply of replies) nc.publish(reply, ack)
      await nc.flush()
      return
    } catch (error) {
      if (nc.isClosed() || Date.now() > deadline) {
        throw new BizonError(
          'source',
          `${what} could not acknowledge ${replies.length} messages: ${String(error)}. Run again.`,
        )
      }
      await Bun.sleep(Math.min(2000, 100 * 2 ** attempt))
    }
  }
}

/** NATS connection keys shared by the `nats` source and destination, and connecting with them. */
import { resolve } from 'node:path'
import type { NatsConnection } from '@nats-io/transport-node'
import type { Logger } from '../../../src/index.ts'
import { BizonError, v } from '../../../src/index.ts'
import { connectNats, type NatsConnectOptions } from '../../../src/queues/nats/connection.ts'

const CONNECT_TIMEOUT_MS = 5_000

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

/**
 * Connects with the queue's connection code (auth, TLS, reconnect forever), file paths resolved
 * from the pipeline's folder: a clear error after a few seconds of failed attempts.
 */
export function openNats(
  config: NatsConnectOptions,
  what: string,
  ctx: { baseDir: string; logger: Logger; signal?: AbortSignal },
): Promise<NatsConnection> {
  const file = (path: string | undefined) => (path === undefined ? undefined : resolve(ctx.baseDir, path))
  return connectNats(
    {
      ...config,
      creds_file: file(config.creds_file),
      tls: config.tls && {
        ca_file: file(config.tls.ca_file),
        cert_file: file(config.tls.cert_file),
        key_file: file(config.tls.key_file),
      },
      name: `bizon ${what}`,
      what,
      connectTimeoutMs: CONNECT_TIMEOUT_MS,
      logger: ctx.logger,
    },
    ctx.signal,
  )
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

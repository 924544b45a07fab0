/** Opens a NATS connection from queue config: auth, TLS, reconnect forever, bounded first connect. */
import { readFileSync } from 'node:fs'
import type { NatsConnection } from '@nats-io/transport-node'
import { BizonError, messageOf } from '../../errors.ts'
import type { Logger } from '../../plugin/types.ts'

export interface NatsConnectOptions {
  servers: string | string[]
  user?: string
  password?: string
  token?: string
  nkey?: string
  creds_file?: string
  tls?: { ca_file?: string; cert_file?: string; key_file?: string }
}

/** Server URLs without user:password, safe for logs and errors. */
export function redactServers(servers: string | string[]): string {
  const list = Array.isArray(servers) ? servers : [servers]
  return list.map((s) => s.replace(/\/\/[^@/]*@/, '//***@')).join(', ')
}

export async function connectNats(
  options: NatsConnectOptions & { name: string; connectTimeoutMs: number; what: string; logger: Logger },
  signal?: AbortSignal,
): Promise<NatsConnection> {
  const { connect, credsAuthenticator, nkeyAuthenticator } = await import('@nats-io/transport-node')
  const authenticator = options.creds_file
    ? credsAuthenticator(readFileSync(options.creds_file))
    : options.nkey
      ? nkeyAuthenticator(new TextEncoder().encode(options.nkey))
      : undefined
  const tls = options.tls
    ? { caFile: options.tls.ca_file, certFile: options.tls.cert_file, keyFile: options.tls.key_file }
    : undefined
  const deadline = Date.now() + options.connectTimeoutMs
  for (let attempt = 0; ; attempt++) {
    try {
      return await connect({
        servers: options.servers,
        name: options.name,
        user: options.user,
        pass: options.password,
        token: options.token,
        authenticator,
        tls,
        // a server restart must never end the run: keep reconnecting, the stream is on disk
        maxReconnectAttempts: -1,
        reconnectTimeWait: 1000,
        reconnectJitter: 250,
        pingInterval: 10_000,
        timeout: Math.min(10_000, Math.max(1000, options.connectTimeoutMs)),
      })
    } catch (error) {
      const cause = messageOf(error)
      const fatal = /authorization|authentication|permission|tls|certificate/i.test(cause)
      if (fatal || Date.now() >= deadline || signal?.aborted) {
        throw new BizonError(
          'connection',
          `${options.what} could not connect to ${redactServers(options.servers)}: ${cause}. ` +
            (fatal
              ? 'Check the credentials and TLS settings.'
              : 'Check the servers setting and that nats-server is running with JetStream (-js).'),
          { cause: error },
        )
      }
      if (attempt === 0) options.logger.warn(`${options.what}: NATS not reachable yet (${cause}); retrying`)
      await Bun.sleep(Math.min(2000, 200 * 2 ** attempt))
    }
  }
}

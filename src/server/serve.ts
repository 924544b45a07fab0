/** Serves the status app with Bun.serve: loopback by default, a token required anywhere else. */
import { BizonError } from '../errors.ts'
import { type AppOptions, createApp } from './app.ts'
import { isLoopback } from './auth.ts'

export interface ServeOptions extends Omit<AppOptions, 'token'> {
  host?: string
  /** 0 picks a free port. */
  port?: number
  /** Defaults to `BIZON_STATUS_TOKEN`. */
  token?: string
  env?: Record<string, string | undefined>
}

export interface StatusServer {
  /** Base URL of the page, e.g. `http://127.0.0.1:7878/`. */
  url: string
  port: number
  stop(): Promise<void>
}

export const DEFAULT_STATUS_PORT = 7878

export function serve(options: ServeOptions): StatusServer {
  const host = options.host ?? '127.0.0.1'
  const port = options.port ?? DEFAULT_STATUS_PORT
  const token = options.token || (options.env ?? process.env).BIZON_STATUS_TOKEN || undefined
  if (!isLoopback(host) && !token) {
    throw new BizonError(
      'usage',
      `Refusing to serve the status page on ${host} without a token: anyone who can reach it could read pipeline state and reset streams.`,
      { hint: 'Pass --token <secret> (or set BIZON_STATUS_TOKEN), or bind 127.0.0.1.' },
    )
  }
  const app = createApp({ ...options, token })
  let server: ReturnType<typeof Bun.serve>
  try {
    // SSE connections send a keep-alive every 15 s: the idle timeout must be longer
    server = Bun.serve({ hostname: host, port, fetch: app.fetch, idleTimeout: 60 })
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    throw new BizonError('usage', `Status server could not listen on ${host}:${port}: ${reason}.`, {
      hint: 'Choose another --port or stop the program using it.',
      cause: error,
    })
  }
  const shown = host.includes(':') ? `[${host}]` : host
  return {
    url: `http://${shown}:${server.port}/`,
    port: server.port!,
    stop: () => server.stop(true),
  }
}

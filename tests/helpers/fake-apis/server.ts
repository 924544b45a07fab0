/** Base of the fake API servers: a Bun.serve on port 0 that logs requests and serves canned failures first. */

export interface LoggedRequest {
  method: string
  path: string
  /** The last value of each query parameter. */
  query: Record<string, string>
  /** Every query parameter, repeated ones included. */
  params: URLSearchParams
  headers: Record<string, string>
  body: string
  at: number
}

/** A canned response served before the normal one (429, 5xx, malformed bodies, slow answers). */
export interface Scripted {
  status?: number
  body?: string
  headers?: Record<string, string>
  delayMs?: number
}

export interface FakeServer {
  /** Origin, e.g. `http://127.0.0.1:40123`. */
  origin: string
  requests: LoggedRequest[]
  /** Queue canned responses for the next requests whose path is `path`. */
  script(path: string, ...responses: Scripted[]): void
  /** Requests seen on `path` (every path when omitted). */
  count(path?: string): number
  stop(): Promise<void>
}

export type Handler = (req: Request, url: URL, body: string) => Response | Promise<Response>

export function json(body: unknown, init: ResponseInit = {}): Response {
  return new Response(JSON.stringify(body), {
    ...init,
    headers: { 'Content-Type': 'application/json', ...init.headers },
  })
}

/** `requests` may be shared with a second server, so one log shows the order across both. */
export function serveFake(handler: Handler, requests: LoggedRequest[] = []): FakeServer {
  const scripts = new Map<string, Scripted[]>()
  const server = Bun.serve({
    port: 0,
    hostname: '127.0.0.1',
    async fetch(req) {
      const url = new URL(req.url)
      const body = await req.text()
      requests.push({
        method: req.method,
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        params: url.searchParams,
        headers: req.headers.toJSON(),
        body,
        at: performance.now(),
      })
      const canned = scripts.get(url.pathname)?.shift()
      if (canned?.delayMs) await Bun.sleep(canned.delayMs)
      if (canned && (canned.status !== undefined || canned.body !== undefined))
        return new Response(canned.body ?? '', { status: canned.status ?? 200, headers: canned.headers })
      return handler(req, url, body)
    },
  })
  return {
    origin: `http://127.0.0.1:${server.port}`,
    requests,
    script(path, ...responses) {
      scripts.set(path, [...(scripts.get(path) ?? []), ...responses])
    },
    count: (path) => (path ? requests.filter((r) => r.path === path).length : requests.length),
    stop: () => server.stop(true),
  }
}

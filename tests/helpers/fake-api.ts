/** A local REST API (Bun.serve, port 0) that paginates in every style, fails on demand and checks auth. */
import { json, type LoggedRequest, type Scripted, serveFake } from './fake-apis/server.ts'

export type { LoggedRequest, Scripted }

export interface Item {
  id: number
  name: string
  updated_at: string
  price: number
  tags: string[]
}

export type FakeAuth =
  | { type: 'bearer'; token: string }
  | { type: 'basic'; username: string; password: string }
  | { type: 'oauth'; clientId: string; clientSecret: string; refreshToken?: string; expiresIn?: number }

export interface FakeApi {
  url: string
  items: Item[]
  requests: LoggedRequest[]
  /** Queue canned responses for the next requests to `path`. */
  script(path: string, ...responses: Scripted[]): void
  /** Requests seen on `path`. */
  count(path: string): number
  /** Revoke every issued OAuth token (the next data request gets 401). */
  revokeTokens(): void
  stop(): Promise<void>
}

const BASE_TIME = Date.UTC(2024, 0, 1)

export function makeItems(n: number): Item[] {
  return Array.from({ length: n }, (_, i) => ({
    id: i + 1,
    name: `item-${i + 1}`,
    updated_at: new Date(BASE_TIME + (i + 1) * 3_600_000).toISOString(),
    price: Math.round((i + 1) * 1.25 * 100) / 100,
    tags: i % 2 ? ['odd'] : ['even', 'first'],
  }))
}

export function startFakeApi(options: { items?: number; auth?: FakeAuth } = {}): FakeApi {
  const items = makeItems(options.items ?? 23)
  const tokens = new Set<string>()
  let issued = 0

  function authorized(req: Request): boolean {
    const auth = options.auth
    if (!auth) return true
    const header = req.headers.get('authorization') ?? ''
    if (auth.type === 'bearer') return header === `Bearer ${auth.token}`
    if (auth.type === 'basic') return header === `Basic ${btoa(`${auth.username}:${auth.password}`)}`
    return header.startsWith('Bearer ') && tokens.has(header.slice(7))
  }

  function token(body: string): Response {
    const auth = options.auth
    const form = new URLSearchParams(body)
    const ok =
      auth?.type === 'oauth' &&
      form.get('client_id') === auth.clientId &&
      form.get('client_secret') === auth.clientSecret &&
      (form.get('grant_type') === 'client_credentials' ||
        (form.get('grant_type') === 'refresh_token' && form.get('refresh_token') === auth.refreshToken))
    if (!ok)
      return json(
        { error: 'invalid_client', error_description: 'Client authentication failed' },
        { status: 401 },
      )
    const accessToken = `at-${++issued}-${crypto.randomUUID()}`
    tokens.add(accessToken)
    return json({ access_token: accessToken, token_type: 'Bearer', expires_in: auth.expiresIn ?? 3600 })
  }

  /** Items after the incremental filter `updated_since` (ISO date or unix seconds). */
  function visible(query: Record<string, string>): Item[] {
    const since = query['updated_since']
    if (!since) return items
    const at = /^\d+$/.test(since) ? Number(since) * 1000 : Date.parse(since)
    return items.filter((item) => Date.parse(item.updated_at) > at)
  }

  function route(url: URL, query: Record<string, string>, origin: string): Response {
    const list = visible(query)
    const num = (name: string, fallback: number) =>
      query[name] !== undefined ? Number(query[name]) : fallback
    switch (url.pathname) {
      case '/offset': {
        const offset = num('offset', 0)
        const limit = num('limit', 10)
        return json({ data: list.slice(offset, offset + limit), total: list.length })
      }
      case '/page': {
        const page = num('page', 1)
        const size = num('per_page', 10)
        return json({ items: list.slice((page - 1) * size, page * size), page })
      }
      case '/cursor': {
        const start = query['cursor'] ? Number(atob(query['cursor'])) : 0
        const limit = num('limit', 10)
        const end = start + limit
        return json({
          results: list.slice(start, end),
          meta: { next_cursor: end < list.length ? btoa(String(end)) : null },
        })
      }
      case '/link': {
        const page = num('page', 1)
        const size = num('per_page', 10)
        const headers: Record<string, string> = {}
        if (page * size < list.length) {
          const next = new URL('/link', origin)
          for (const [k, v] of Object.entries(query)) next.searchParams.set(k, v)
          next.searchParams.set('page', String(page + 1))
          headers['Link'] = `<${next}>; rel="next", <${origin}/link?page=1>; rel="first"`
        }
        return json(list.slice((page - 1) * size, page * size), { headers })
      }
      case '/next': {
        const after = num('after', 0)
        const limit = num('limit', 10)
        const rows = list.filter((item) => item.id > after).slice(0, limit)
        const last = rows.at(-1)
        const more = last !== undefined && last.id < (list.at(-1)?.id ?? 0)
        return json({ data: rows, links: { next: more ? `/next?after=${last!.id}&limit=${limit}` : null } })
      }
      case '/all':
        return json(list)
      default:
        return json({ error: 'not found' }, { status: 404 })
    }
  }

  const server = serveFake((req, url, body) => {
    if (url.pathname === '/oauth/token' && req.method === 'POST') return token(body)
    if (!authorized(req)) {
      return json({ error: 'unauthorized', message: 'Missing or invalid credentials' }, { status: 401 })
    }
    return route(url, Object.fromEntries(url.searchParams), url.origin)
  })

  return {
    url: server.origin,
    items,
    requests: server.requests,
    script: server.script,
    count: (path) => server.count(path),
    revokeTokens: () => tokens.clear(),
    stop: server.stop,
  }
}

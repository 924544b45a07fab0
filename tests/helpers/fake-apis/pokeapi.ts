/** A local PokeAPI v2: `GET /api/v2/<resource>?offset&limit` → `{count, next, previous, results: [{name, url}]}`. */
import { type FakeServer, json, serveFake } from './server.ts'

export interface FakePokeApi extends FakeServer {
  /** Value for `source.base_url`. */
  baseUrl: string
  names: Record<string, string[]>
}

const DEFAULT_COUNTS = { pokemon: 45, berry: 7, item: 3 }

export function startFakePokeApi(counts: Record<string, number> = DEFAULT_COUNTS): FakePokeApi {
  const names = Object.fromEntries(
    Object.entries(counts).map(([resource, n]) => [
      resource,
      Array.from({ length: n }, (_, i) => `${resource}-${i + 1}`),
    ]),
  )
  const server = serveFake((req, url) => {
    const match = /^\/api\/v2\/([a-z-]+)\/?$/.exec(url.pathname)
    const list = match ? names[match[1]!] : undefined
    // The real API answers unknown resources with a plain-text 404.
    if (req.method !== 'GET' || !list) return new Response('Not Found', { status: 404 })
    const offset = Number(url.searchParams.get('offset') ?? 0)
    const limit = Number(url.searchParams.get('limit') ?? 20)
    const page = (at: number) => `${url.origin}${url.pathname}?offset=${at}&limit=${limit}`
    return json({
      count: list.length,
      next: offset + limit < list.length ? page(offset + limit) : null,
      previous: offset > 0 ? page(Math.max(0, offset - limit)) : null,
      results: list
        .slice(offset, offset + limit)
        .map((name, i) => ({ name, url: `${url.origin}${url.pathname}/${offset + i + 1}/` })),
    })
  })
  return { ...server, baseUrl: `${server.origin}/api/v2`, names }
}

/**
 * A local Cycle GraphQL API (Bun.serve, port 0): `getProductBySlug(slug).customers(pagination)` with
 * Relay-style edges/pageInfo, Bearer token auth, `Ratelimit-*` headers and canned failures.
 */

export interface CycleCustomer {
  id: string
  email: string
  name: string
  company: { domain: string; id: string; name: string } | null
}

export interface CycleRequest {
  query: string
  variables: Record<string, unknown>
  authorization: string
  at: number
}

/** A canned response served instead of the normal one (429, 5xx, malformed bodies). */
export interface Canned {
  status?: number
  body?: string
  headers?: Record<string, string>
}

export interface FakeCycle {
  url: string
  customers: CycleCustomer[]
  requests: CycleRequest[]
  script(...responses: Canned[]): void
  /** Requests left in the rate-limit window (sent as `Ratelimit-Remaining`); reset after `resetSeconds`. */
  setWindow(remaining: number, resetSeconds: number): void
  stop(): Promise<void>
}

export function makeCustomers(n: number): CycleCustomer[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `Q3VzdG9tZXJfJ${i + 1}`,
    email: `customer${i + 1}@example.com`,
    name: `Customer ${i + 1}`,
    company: i % 3 === 2 ? null : { domain: `acme${i}.com`, id: `Q29tcGFueV8${i}`, name: `Acme ${i}` },
  }))
}

const cursorOf = (index: number) => btoa(`arrayconnection:${index}`)
const indexOf = (cursor: string) => Number(atob(cursor).split(':')[1])

export function startFakeCycle(options: { token: string; slug: string; customers?: number }): FakeCycle {
  const customers = makeCustomers(options.customers ?? 23)
  const requests: CycleRequest[] = []
  const canned: Canned[] = []
  let window = { remaining: 2000, resetAt: 0 }

  const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
    new Response(JSON.stringify(body), {
      status,
      headers: { 'Content-Type': 'application/json', ...headers },
    })

  function answer(query: string, variables: Record<string, unknown>): Response {
    if (window.resetAt && Date.now() >= window.resetAt * 1000) window = { remaining: 2000, resetAt: 0 }
    const limits = {
      'Ratelimit-Limit': '2000',
      'Ratelimit-Policy': '2000;w=3600',
      'Ratelimit-Remaining': String(Math.max(0, --window.remaining)),
      'Ratelimit-Reset': String(window.resetAt || Math.ceil(Date.now() / 1000) + 3600),
    }
    if (variables['slug'] !== options.slug) return json({ data: { getProductBySlug: null } }, 200, limits)
    const size = Number(/size:\s*(\d+)/.exec(query)?.[1])
    const cursor = /cursor:\s*"([^"]*)"/.exec(query)?.[1]
    const after = /direction:\s*AFTER/.test(query)
    if (!size || after !== Boolean(cursor))
      return json({
        errors: [{ message: 'Invalid pagination argument', extensions: { code: 'BAD_USER_INPUT' } }],
      })
    const start = cursor ? indexOf(cursor) + 1 : 0
    const slice = customers.slice(start, start + size)
    const edges = slice.map((node, i) => ({ cursor: cursorOf(start + i), node }))
    return json(
      {
        data: {
          getProductBySlug: {
            customers: {
              edges,
              pageInfo: {
                hasPreviousPage: start > 0,
                hasNextPage: start + size < customers.length,
                startCursor: edges[0]?.cursor ?? null,
                endCursor: edges.at(-1)?.cursor ?? null,
              },
            },
          },
        },
      },
      200,
      limits,
    )
  }

  const server = Bun.serve({
    port: 0,
    hostname: '127.0.0.1',
    async fetch(req) {
      if (new URL(req.url).pathname !== '/graphql' || req.method !== 'POST')
        return json({ errors: [{ message: 'Not found' }] }, 404)
      const body = (await req.json().catch(() => ({}))) as {
        query?: string
        variables?: Record<string, unknown>
      }
      const authorization = req.headers.get('authorization') ?? ''
      requests.push({
        query: body.query ?? '',
        variables: body.variables ?? {},
        authorization,
        at: performance.now(),
      })
      const next = canned.shift()
      if (next) return new Response(next.body ?? '', { status: next.status ?? 200, headers: next.headers })
      if (authorization !== `Bearer ${options.token}`)
        // Like many APIs, the error echoes what it was given: the source must mask it.
        return json({ errors: [{ message: `Invalid token "${authorization.slice(7)}"` }] }, 401)
      return answer(body.query ?? '', body.variables ?? {})
    },
  })

  return {
    url: `http://127.0.0.1:${server.port}/graphql`,
    customers,
    requests,
    script: (...responses) => canned.push(...responses),
    setWindow(remaining, resetSeconds) {
      window = { remaining: remaining + 1, resetAt: Math.ceil(Date.now() / 1000 + resetSeconds) }
    },
    stop: () => server.stop(true),
  }
}

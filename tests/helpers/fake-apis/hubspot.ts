/**
 * A local HubSpot CRM v3 API: object lists paged by `after`, properties, search totals, OAuth refresh
 * tokens, private app tokens, the ten-secondly rolling rate limit with its headers, documented error bodies.
 */
import { type FakeServer, json, serveFake } from './server.ts'

export interface HubSpotObject {
  id: string
  properties: Record<string, string | null>
  createdAt: string
  updatedAt: string
  archived: boolean
}

export type FakeHubSpotAuth =
  | { type: 'token'; token: string }
  | { type: 'oauth'; clientId: string; clientSecret: string; refreshToken: string; expiresIn?: number }

export interface FakeHubSpot extends FakeServer {
  /** Value for `source.base_url`. */
  baseUrl: string
  objects: Record<string, HubSpotObject[]>
  propertyNames: Record<string, string[]>
  /** 429 answers served by the rolling-window limiter. */
  rateLimited(): number
  /** Revoke every issued OAuth access token (the next data request gets 401). */
  revokeTokens(): void
}

const PROPERTIES: Record<string, string[]> = {
  contacts: ['email', 'firstname', 'lastname', 'phone', 'createdate', 'lastmodifieddate', 'hs_object_id'],
  companies: ['name', 'domain', 'industry', 'createdate', 'hs_lastmodifieddate', 'hs_object_id'],
  deals: ['dealname', 'amount', 'dealstage', 'createdate', 'hs_lastmodifieddate', 'hs_object_id'],
}
/** What HubSpot returns when no `properties` are asked for. */
const DEFAULTS: Record<string, string[]> = {
  contacts: ['email', 'firstname', 'lastname', 'createdate', 'lastmodifieddate', 'hs_object_id'],
  companies: ['name', 'domain', 'createdate', 'hs_lastmodifieddate', 'hs_object_id'],
  deals: ['dealname', 'amount', 'dealstage', 'createdate', 'hs_lastmodifieddate', 'hs_object_id'],
}

function makeObjects(kind: string, n: number): HubSpotObject[] {
  return Array.from({ length: n }, (_, i) => {
    const id = String(1001 + i)
    const created = new Date(Date.UTC(2024, 0, 1) + i * 86_400_000).toISOString()
    const updated = new Date(Date.UTC(2024, 5, 1) + i * 3_600_000).toISOString()
    const properties: Record<string, string | null> = {}
    for (const name of PROPERTIES[kind]!) properties[name] = `${name}-${id}`
    Object.assign(properties, { hs_object_id: id, createdate: created })
    return { id, properties, createdAt: created, updatedAt: updated, archived: false }
  })
}

const correlationId = () => crypto.randomUUID()

export function startFakeHubSpot(
  options: {
    counts?: Record<string, number>
    auth?: FakeHubSpotAuth
    rateLimit?: { max: number; intervalMs: number }
  } = {},
): FakeHubSpot {
  const counts = options.counts ?? { contacts: 23, companies: 7, deals: 0 }
  const objects = Object.fromEntries(Object.entries(counts).map(([k, n]) => [k, makeObjects(k, n)]))
  const auth = options.auth ?? { type: 'token', token: 'pat-na1-fake-token' }
  const issued = new Set<string>()
  const window: number[] = []
  let limited = 0

  function token(body: string): Response {
    const form = new URLSearchParams(body)
    if (
      auth.type !== 'oauth' ||
      form.get('client_id') !== auth.clientId ||
      form.get('client_secret') !== auth.clientSecret
    )
      return json(
        {
          status: 'BAD_CLIENT_ID',
          message: 'missing or invalid client_id or client_secret',
          correlationId: correlationId(),
        },
        { status: 400 },
      )
    if (form.get('grant_type') !== 'refresh_token' || form.get('refresh_token') !== auth.refreshToken)
      return json(
        {
          status: 'BAD_REFRESH_TOKEN',
          message: 'missing or unknown refresh token',
          correlationId: correlationId(),
        },
        { status: 400 },
      )
    const accessToken = `CJ${crypto.randomUUID().replaceAll('-', '')}`
    issued.add(accessToken)
    return json({
      token_type: 'bearer',
      refresh_token: auth.refreshToken,
      access_token: accessToken,
      expires_in: auth.expiresIn ?? 1800,
    })
  }

  function authorized(req: Request): boolean {
    const header = req.headers.get('authorization') ?? ''
    if (auth.type === 'token') return header === `Bearer ${auth.token}`
    return header.startsWith('Bearer ') && issued.has(header.slice(7))
  }

  /** The rolling window: the headers every answer carries, or a 429 when the window is full. */
  function limit(): { headers: Record<string, string>; refused?: Response } {
    const rule = options.rateLimit
    if (!rule) return { headers: {} }
    const now = performance.now()
    while (window.length && window[0]! <= now - rule.intervalMs) window.shift()
    const headers = {
      'X-HubSpot-RateLimit-Max': String(rule.max),
      'X-HubSpot-RateLimit-Interval-Milliseconds': String(rule.intervalMs),
      'X-HubSpot-RateLimit-Remaining': String(Math.max(0, rule.max - window.length - 1)),
    }
    if (window.length >= rule.max) {
      limited++
      return {
        headers,
        refused: json(
          {
            status: 'error',
            message: 'You have reached your ten_secondly_rolling limit.',
            errorType: 'RATE_LIMIT',
            correlationId: correlationId(),
            policyName: 'TEN_SECONDLY_ROLLING',
          },
          { status: 429, headers: { ...headers, 'X-HubSpot-RateLimit-Remaining': '0' } },
        ),
      }
    }
    window.push(now)
    return { headers }
  }

  function shape(kind: string, item: HubSpotObject, wanted: string[] | undefined) {
    const names = wanted ?? DEFAULTS[kind]!
    const properties = Object.fromEntries(
      names.filter((n) => n in item.properties).map((n) => [n, item.properties[n]!]),
    )
    return { ...item, properties }
  }

  const server = serveFake((req, url, body) => {
    if (url.pathname === '/oauth/v1/token' && req.method === 'POST') return token(body)
    const { headers, refused } = limit()
    if (refused) return refused
    if (!authorized(req))
      return json(
        {
          status: 'error',
          message:
            'Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview',
          correlationId: correlationId(),
          category: 'INVALID_AUTHENTICATION',
        },
        { status: 401, headers },
      )
    const props = /^\/crm\/v3\/properties\/(\w+)$/.exec(url.pathname)
    if (props && req.method === 'GET' && PROPERTIES[props[1]!])
      return json(
        {
          results: PROPERTIES[props[1]!]!.map((name) => ({
            name,
            label: name,
            type: 'string',
            fieldType: 'text',
            groupName: 'info',
          })),
        },
        { headers },
      )
    const list = /^\/crm\/v3\/objects\/(\w+)$/.exec(url.pathname)
    if (list && req.method === 'GET' && objects[list[1]!]) {
      const kind = list[1]!
      const all = objects[kind]!
      const size = Math.min(Number(url.searchParams.get('limit') ?? 10), 100)
      const start = Number(url.searchParams.get('after') ?? 0)
      const wanted = url.searchParams.get('properties')?.split(',').filter(Boolean)
      const results = all.slice(start, start + size).map((item) => shape(kind, item, wanted))
      const after = start + size
      const paging =
        after < all.length
          ? { next: { after: String(after), link: `${url.origin}${url.pathname}?after=${after}` } }
          : undefined
      return json({ results, ...(paging && { paging }) }, { headers })
    }
    const search = /^\/crm\/v3\/objects\/(\w+)\/search$/.exec(url.pathname)
    if (search && req.method === 'POST' && objects[search[1]!]) {
      const all = objects[search[1]!]!
      const size = Number(JSON.parse(body || '{}').limit ?? 10)
      return json(
        { total: all.length, results: all.slice(0, size).map((i) => shape(search[1]!, i, undefined)) },
        { headers },
      )
    }
    return json(
      {
        status: 'error',
        message: `Unable to infer object type from: ${url.pathname}`,
        correlationId: correlationId(),
        category: 'OBJECT_NOT_FOUND',
      },
      { status: 404, headers },
    )
  })
  return {
    ...server,
    baseUrl: server.origin,
    objects,
    propertyNames: PROPERTIES,
    rateLimited: () => limited,
    revokeTokens: () => issued.clear(),
  }
}

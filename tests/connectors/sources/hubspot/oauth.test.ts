import { afterAll, expect, test } from 'bun:test'
import decl from '../../../../connectors/sources/hubspot/index.ts'
import { drain, type Logged, openSource } from '../../../helpers/fake-apis/drive.ts'
import { startFakeHubSpot } from '../../../helpers/fake-apis/hubspot.ts'

const SECRET = 'cs-0f1e2d3c4b5a'
const REFRESH = 'rt-na1-9988-7766-5544'
const api = startFakeHubSpot({
  auth: { type: 'oauth', clientId: 'app-123', clientSecret: SECRET, refreshToken: REFRESH },
})
afterAll(() => api.stop())
const oauth = (extra: Record<string, unknown> = {}) => ({
  type: 'oauth',
  params: { client_id: 'app-123', client_secret: SECRET, refresh_token: REFRESH, ...extra },
})
const open = (authentication: unknown, logs: Logged[] = []) =>
  openSource(
    decl,
    'contacts',
    {
      base_url: api.baseUrl,
      authentication,
      page_size: 10,
      rate_limit: 1000,
      retry: { max_attempts: 2, backoff_base_ms: 1 },
    },
    { logs },
  )

test('oauth: one access token from <base_url>/oauth/v1/token with the refresh token serves the run', async () => {
  const before = api.count('/oauth/v1/token')
  const result = await drain(await open(oauth()), 'contacts')
  expect(result.ids).toHaveLength(23)
  expect(api.count('/oauth/v1/token') - before).toBe(1)
  const form = new URLSearchParams(api.requests.find((r) => r.path === '/oauth/v1/token')!.body)
  expect(Object.fromEntries(form)).toEqual({
    grant_type: 'refresh_token',
    client_id: 'app-123',
    client_secret: SECRET,
    refresh_token: REFRESH,
  })
})

test('oauth: a token refused mid-run is fetched again once, and the run goes on', async () => {
  const before = api.count('/oauth/v1/token')
  const source = await open(oauth())
  const first = await source.read({ stream: 'contacts', pagination: {} })
  api.revokeTokens()
  const rest = await drain(source, 'contacts', first.next!)
  expect(rest.ids).toHaveLength(13)
  expect(api.count('/oauth/v1/token') - before).toBe(2)
})

test('oauth: a refused refresh token is a clear error without any secret', async () => {
  const wrong = 'rt-na1-revoked-000111'
  const logs: Logged[] = []
  const source = await open(oauth({ refresh_token: wrong }), logs)
  const error = await source.read({ stream: 'contacts', pagination: {} }).catch((e) => e)
  expect(error.message).toMatch(
    /^Source "hubspot" could not get an OAuth2 access token from POST http:\/\/127\.0\.0\.1:\d+\/oauth\/v1\/token: HTTP 400 Bad Request; body: "\{"status":"BAD_REFRESH_TOKEN","message":"missing or unknown refresh token".*"\. Check source\.authentication\.params \(client_id, client_secret, refresh_token\)\.$/,
  )
  const everything = error.message + logs.map((l) => l.message).join('\n')
  for (const secret of [wrong, SECRET, REFRESH]) expect(everything).not.toContain(secret)
})

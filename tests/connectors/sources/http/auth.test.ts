import { afterAll, describe, expect, test } from 'bun:test'
import { startFakeApi } from '../../../helpers/fake-api.ts'
import { drain, httpSource, type Logged, range } from './helpers.ts'

const fast = { max_attempts: 3, backoff_base_ms: 1, backoff_max_ms: 5 }
const TOKEN = 'tok-S3cr3t-abcdef'
const PASSWORD = 'pa55-w0rd-xyz'
const CLIENT_SECRET = 'cs-very-secret-123'
const REFRESH = 'rt-refresh-456'

const bearer = startFakeApi({ items: 7, auth: { type: 'bearer', token: TOKEN } })
const basic = startFakeApi({ items: 7, auth: { type: 'basic', username: 'ann', password: PASSWORD } })
const oauth = startFakeApi({
  items: 7,
  auth: { type: 'oauth', clientId: 'app', clientSecret: CLIENT_SECRET, refreshToken: REFRESH },
})
afterAll(async () => {
  await Promise.all([bearer.stop(), basic.stop(), oauth.stop()])
})

const paged = (url: string) => ({
  url,
  records_path: 'data',
  pagination: { type: 'offset', limit: 3 },
  retry: fast,
})

function expectNoSecret(text: string) {
  for (const secret of [
    TOKEN,
    PASSWORD,
    CLIENT_SECRET,
    REFRESH,
    btoa(`ann:${PASSWORD}`),
    btoa(`ann:wrong-pass-999`),
  ]) {
    expect(text).not.toContain(secret)
  }
}

describe('token auth', () => {
  test('bearer token reads every page', async () => {
    const source = await httpSource({
      ...paged(`${bearer.url}/offset`),
      authentication: { type: 'bearer', params: { token: TOKEN } },
    })
    expect((await drain(source)).ids).toEqual(range(1, 7))
  })

  test('api_key in a custom header is sent as typed', async () => {
    const source = await httpSource({
      url: `${bearer.url}/all`,
      headers: { Authorization: `Bearer ${TOKEN}` },
      authentication: {
        type: 'api_key',
        params: { token: 'k-123456', auth_header: 'X-API-Key', auth_method: '' },
      },
    })
    await source.read({ stream: 'items', pagination: {} })
    expect(bearer.requests.at(-1)!.headers['x-api-key']).toBe('k-123456')
  })

  test('a refused token gives a clear error without the token, in the error and in the logs', async () => {
    const logs: Logged[] = []
    const wrong = 'tok-WRONG-777777'
    const source = await httpSource(
      {
        ...paged(`${bearer.url}/offset`),
        params: { api_key: 'query-secret-1', limit_hint: 3 },
        authentication: { type: 'bearer', params: { token: wrong } },
      },
      { logs },
    )
    const error = await source.read({ stream: 'items', pagination: {} }).catch((e) => e)
    expect(error.message).toMatch(
      /^Source "http" could not GET http:\/\/127\.0\.0\.1:\d+\/offset\?api_key=\*\*\*&limit_hint=3&offset=0&limit=3: HTTP 401 Unauthorized; body: "\{"error":"unauthorized","message":"Missing or invalid credentials"\}"\. Check source\.authentication: the server refused the credentials\.$/,
    )
    const everything = error.message + logs.map((l) => l.message).join('\n')
    expect(everything).not.toContain(wrong)
    expect(everything).not.toContain('query-secret-1')
  })
})

describe('cookies auth', () => {
  test('cookies and extra headers go with every request; their values are masked in errors', async () => {
    bearer.script('/all', { status: 500, body: 'session sess-abcdef-42 expired' })
    const source = await httpSource({
      url: `${bearer.url}/all`,
      retry: { ...fast, max_attempts: 1 },
      authentication: {
        type: 'cookies',
        params: {
          cookies: { session: 'sess-abcdef-42', theme: 'dark' },
          headers: { 'x-csrf-token': 'csrf-998877' },
        },
      },
    })
    const error = await source.read({ stream: 'items', pagination: {} }).catch((e) => e)
    const seen = bearer.requests.at(-1)!.headers
    expect(seen['cookie']).toBe('session=sess-abcdef-42; theme=dark')
    expect(seen['x-csrf-token']).toBe('csrf-998877')
    expect(error.message).toContain('body: "session *** expired"')
  })
})

describe('basic auth', () => {
  test('username and password read every page', async () => {
    const source = await httpSource({
      ...paged(`${basic.url}/offset`),
      authentication: { type: 'basic', params: { username: 'ann', password: PASSWORD } },
    })
    expect((await drain(source)).ids).toEqual(range(1, 7))
  })

  test('a wrong password is reported without it', async () => {
    const source = await httpSource({
      ...paged(`${basic.url}/offset`),
      authentication: { type: 'basic', params: { username: 'ann', password: 'wrong-pass-999' } },
    })
    const error = await source.read({ stream: 'items', pagination: {} }).catch((e) => e)
    expect(error.message).toContain('HTTP 401 Unauthorized')
    expect(error.message).not.toContain('wrong-pass-999')
    expectNoSecret(error.message)
  })
})

describe('oauth', () => {
  const params = (extra: Record<string, unknown> = {}) => ({
    token_refresh_endpoint: `${oauth.url}/oauth/token`,
    client_id: 'app',
    client_secret: CLIENT_SECRET,
    ...extra,
  })

  test('client credentials: one token for the whole run', async () => {
    const before = oauth.count('/oauth/token')
    const source = await httpSource({
      ...paged(`${oauth.url}/offset`),
      authentication: { type: 'oauth', params: params() },
    })
    expect((await drain(source)).ids).toEqual(range(1, 7))
    expect(oauth.count('/oauth/token') - before).toBe(1)
    const form = new URLSearchParams(oauth.requests.find((r) => r.path === '/oauth/token')!.body)
    expect(form.get('grant_type')).toBe('client_credentials')
  })

  test('refresh token grant, with scopes', async () => {
    const source = await httpSource({
      ...paged(`${oauth.url}/offset`),
      authentication: { type: 'oauth', params: params({ refresh_token: REFRESH, scopes: ['read', 'list'] }) },
    })
    expect((await drain(source)).ids).toEqual(range(1, 7))
    const form = new URLSearchParams(oauth.requests.filter((r) => r.path === '/oauth/token').at(-1)!.body)
    expect(form.get('grant_type')).toBe('refresh_token')
    expect(form.get('refresh_token')).toBe(REFRESH)
    expect(form.get('scope')).toBe('read,list')
  })

  test('a token revoked mid-run is requested again once', async () => {
    const before = oauth.count('/oauth/token')
    const source = await httpSource({
      ...paged(`${oauth.url}/offset`),
      authentication: { type: 'oauth', params: params() },
    })
    const page1 = await source.read({ stream: 'items', pagination: {} })
    oauth.revokeTokens()
    const rest = await drain(source, page1.next!)
    expect(rest.ids).toEqual(range(4, 7))
    expect(oauth.count('/oauth/token') - before).toBe(2)
  })

  test('a refused client secret names the token endpoint, never the secret', async () => {
    const wrong = 'cs-wrong-secret-000'
    const source = await httpSource({
      ...paged(`${oauth.url}/offset`),
      authentication: { type: 'oauth', params: params({ client_secret: wrong, refresh_token: REFRESH }) },
    })
    const error = await source.read({ stream: 'items', pagination: {} }).catch((e) => e)
    expect(error.message).toMatch(
      /^Source "http" could not get an OAuth2 access token from POST http:\/\/127\.0\.0\.1:\d+\/oauth\/token: HTTP 401 Unauthorized; body: ".*invalid_client.*"\. Check source\.authentication\.params \(client_id, client_secret, refresh_token\)\.$/,
    )
    expect(error.message).not.toContain(wrong)
    expectNoSecret(error.message)
  })

  test('a token endpoint that echoes the secret back has it masked', async () => {
    oauth.script('/oauth/token', { status: 400, body: `{"error":"bad request","got":"${CLIENT_SECRET}"}` })
    const source = await httpSource({
      ...paged(`${oauth.url}/offset`),
      authentication: { type: 'oauth', params: params() },
    })
    const error = await source.read({ stream: 'items', pagination: {} }).catch((e) => e)
    expect(error.message).toContain('"got":"***"')
    expectNoSecret(error.message)
  })
})

import { afterAll, expect, test } from 'bun:test'
import * as v from 'valibot'
import { type Authenticator, apiEntries, HttpClient, httpStatus } from '../../src/http/index.ts'
import { json, serveFake } from '../helpers/fake-apis/server.ts'

/** Answers `/ok` to the token `good`, 401 to any other, 404 on every other path. */
const server = serveFake((req, url) => {
  if (url.pathname !== '/ok') return json({ error: 'missing' }, { status: 404 })
  if (req.headers.get('authorization') !== 'Bearer good') return json({ error: 'bad token' }, { status: 401 })
  return json({ ok: true })
})
afterAll(() => server.stop())

const fast = { maxAttempts: 2, baseMs: 1, maxMs: 2 }

async function failure(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(Error)
  return error as Error
}

test('a failed request carries its HTTP status; network failures have none', async () => {
  const client = new HttpClient({ component: 'Source "t"', retry: fast })
  const missing = await failure(client.request({ url: `${server.origin}/gone` }))
  expect(httpStatus(missing)).toBe(404)
  const refused = await failure(client.request({ url: 'http://127.0.0.1:1/x' }))
  expect(httpStatus(refused)).toBeUndefined()
  expect(httpStatus(new Error('HTTP 404 '))).toBeUndefined()
})

test('the 404 hint names the configured URL key; per-status hints replace the default', async () => {
  const byKey = new HttpClient({ component: 'Source "t"', urlKey: 'base_url' })
  expect((await failure(byKey.request({ url: `${server.origin}/gone` }))).message).toEndWith(
    'Check source.base_url and the path it names.',
  )
  const plain = new HttpClient({ component: 'Source "t"' })
  expect((await failure(plain.request({ url: `${server.origin}/gone` }))).message).toEndWith(
    'Check source.url and the path it names.',
  )
  const custom = new HttpClient({ component: 'Source "t"', hints: { 401: 'Log in again.' } })
  const refused = await failure(custom.request({ url: `${server.origin}/ok` }))
  expect(refused.message).toMatch(
    /: HTTP 401 Unauthorized; body: "\{"error":"bad token"\}"\. Log in again\.$/,
  )
  expect((await failure(custom.request({ url: `${server.origin}/gone` }))).message).toEndWith(
    'Check source.url and the path it names.',
  )
})

/** Hands out `stale` first, `good` after being invalidated; counts the tokens it gave. */
function rotatingAuth(): Authenticator & { issued: string[] } {
  const issued: string[] = []
  let current = 'stale'
  return {
    issued,
    headers: async () => {
      issued.push(current)
      return { Authorization: `Bearer ${current}` }
    },
    secrets: () => [current],
    invalidate: () => {
      current = 'good'
      return true
    },
  }
}

test('a custom authenticator gets one fresh try after a 401', async () => {
  const auth = rotatingAuth()
  const client = new HttpClient({ component: 'Source "t"', authenticator: auth, retry: { maxAttempts: 1 } })
  const response = await client.request({ url: `${server.origin}/ok` })
  expect(response.json()).toEqual({ ok: true })
  expect(auth.issued).toEqual(['stale', 'good'])
})

test('a 401 with a fresh token fails, its value masked', async () => {
  const client = new HttpClient({
    component: 'Source "t"',
    authenticator: {
      headers: async () => ({ Authorization: 'Bearer wrong-token' }),
      secrets: () => ['wrong-token'],
    },
  })
  const error = await failure(client.request({ url: `${server.origin}/ok?token=wrong-token` }))
  expect(httpStatus(error)).toBe(401)
  expect(error.message).not.toContain('wrong-token')
  expect(error.message).toEndWith('Check source.authentication: the server refused the credentials.')
})

test('secret-looking headers are masked; authority and other look-alikes are not', () => {
  const client = new HttpClient({
    component: 'Source "t"',
    headers: {
      Authorization: 'Bearer aaaa',
      'X-API-Key': 'bbbb',
      Cookie: 'cccc',
      'X-CSRF-Token': 'dddd',
      authority: 'api.example.com',
      'X-Author': 'eeee',
      'Notion-Version': '2025-09-03',
      Accept: 'ffff',
    },
  })
  expect(client.secrets().sort()).toEqual(['Bearer aaaa', 'bbbb', 'cccc', 'dddd'])
})

test('apiEntries: one schema of the shared keys with the connector defaults and words', () => {
  const schema = v.object(
    apiEntries({ baseUrl: 'https://api.x/v1', baseUrlText: 'API root.', rateLimit: 3, timeoutMs: 60_000 }),
  )
  expect(v.parse(schema, {})).toEqual({
    base_url: 'https://api.x/v1',
    rate_limit: 3,
    retry: { max_attempts: 5, backoff_base_ms: 500, backoff_max_ms: 30_000 },
    timeout_ms: 60_000,
  })
  const issues = v.safeParse(schema, { retry: { max_attempt: 3 }, rate_limit: 0 }).issues ?? []
  expect(issues.map((i) => `${v.getDotPath(i)}: ${i.message}`)).toEqual([
    'rate_limit: Invalid value: Expected >0 but received 0',
    'retry.max_attempt: Invalid key: Expected never but received "max_attempt"',
  ])
})

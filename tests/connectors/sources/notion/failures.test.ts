import { afterAll, describe, expect, test } from 'bun:test'
import decl from '../../../../connectors/sources/notion/index.ts'
import { drain, type Logged, openSource } from '../../../helpers/fake-apis/drive.ts'
import { notionOpener, startFakeNotion } from '../../../helpers/fake-apis/notion.ts'

const TOKEN = 'ntn_failures_0123456789abc'
const api = startFakeNotion({ token: TOKEN })
afterAll(() => api.stop())
const fast = { max_attempts: 4, backoff_base_ms: 1, backoff_max_ms: 5 }
const open = notionOpener(api, TOKEN, { page_size: 2, retry: fast, database_ids: ['db-tasks'] })

describe('notion failures', () => {
  test('an invalid token: check and read fail with the 401 body and the fix, never the token', async () => {
    const wrong = 'ntn_WRONG_token_987654'
    const logs: Logged[] = []
    const source = await open(
      'users',
      { authentication: { type: 'api_key', params: { token: wrong } } },
      logs,
    )
    const check = await source.check!()
    expect(check).toEqual({
      ok: false,
      detail: expect.stringMatching(
        /^Source "notion" could not list users with GET http:\/\/127\.0\.0\.1:\d+\/v1\/users\?page_size=1: HTTP 401 Unauthorized; body: "\{"object":"error","status":401,"code":"unauthorized","message":"API token is invalid\.".*"\. Check source\.authentication: the server refused the credentials\.$/,
      ),
    })
    const error = await source.read({ stream: 'users', pagination: {} }).catch((e) => e)
    expect(error.message).toContain('HTTP 401 Unauthorized')
    expect(check.detail + error.message + logs.map((l) => l.message).join('\n')).not.toContain(wrong)
  })

  test('a 429 rate_limited answer with Retry-After waits that long, then reads on', async () => {
    api.script('/v1/users', {
      status: 429,
      headers: { 'Retry-After': '1', 'Content-Type': 'application/json' },
      body: '{"object":"error","status":429,"code":"rate_limited","message":"You have been rate limited. Please try again in a few minutes."}',
    })
    const started = performance.now()
    const result = await drain(await open('users'), 'users')
    expect(result.ids).toHaveLength(6)
    expect(performance.now() - started).toBeGreaterThanOrEqual(950)
  })

  test('5xx answers in the middle of a query are retried until Notion recovers', async () => {
    const source = await open('pages')
    const first = await source.read({ stream: 'pages', pagination: {} })
    api.script(
      '/v1/data_sources/ds-tasks/query',
      { status: 502, body: 'Bad Gateway' },
      {
        status: 503,
        body: '{"object":"error","status":503,"code":"service_unavailable","message":"Notion is unavailable."}',
      },
    )
    const logs: Logged[] = []
    const rest = await drain(await open('pages', {}, logs), 'pages', first.next!)
    expect([...first.records.map((r) => r.id), ...rest.ids]).toHaveLength(10)
    expect(logs.filter((l) => l.level === 'warn')).toHaveLength(2)
  })

  test('a server error that does not stop is not skipped: the read fails (no silent data loss)', async () => {
    api.script('/v1/databases/db-tasks', ...Array(4).fill({ status: 500, body: 'boom' }))
    const error = await (await open('databases'))
      .read({ stream: 'databases', pagination: {} })
      .catch((e) => e)
    expect(error.message).toMatch(
      /^Source "notion" could not read database GET http:\/\/127\.0\.0\.1:\d+\/v1\/databases\/db-tasks: HTTP 500 Internal Server Error after 4 attempts; body: "boom"\. The server kept failing: run again later or raise source\.retry\.max_attempts\.$/,
    )
  })

  test('a malformed page is a clear error naming the request', async () => {
    api.script('/v1/users', { status: 200, body: '{"object":"list","next_cursor":null}' })
    const error = await (await open('users')).read({ stream: 'users', pagination: {} }).catch((e) => e)
    expect(error.message).toMatch(
      /^Source "notion" could not read the answer of http:\/\/127\.0\.0\.1:\d+\/v1\/users\?page_size=2: the answer has no "results" list\. Check source\.base_url: it must point at the Notion API root \(https:\/\/api\.notion\.com\/v1\)\.$/,
    )
    api.script('/v1/users', {
      status: 200,
      body: '{"object":"list","results":[{"object":"user","id":"u"}],"has_more":true,"next_cursor":null}',
    })
    const noCursor = await (await open('users')).read({ stream: 'users', pagination: {} }).catch((e) => e)
    expect(noCursor.message).toContain('"has_more" is true but there is no "next_cursor"')
  })

  test('the default rate limit is 3 requests per second (Notion average)', async () => {
    const before = api.requests.length
    const source = await openSource(decl, 'users', {
      base_url: api.baseUrl,
      authentication: { type: 'api_key', params: { token: TOKEN } },
      page_size: 2,
    })
    await drain(source, 'users')
    const times = api.requests.slice(before).map((r) => r.at)
    expect(times).toHaveLength(3)
    expect(times[2]! - times[0]!).toBeGreaterThanOrEqual(600)
  })
})

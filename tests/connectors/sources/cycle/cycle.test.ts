import { afterAll, describe, expect, test } from 'bun:test'
import decl from '../../../../connectors/sources/cycle/index.ts'
import { startFakeCycle } from '../../../helpers/fake-apis/cycle.ts'
import { drain, failure, type Logged, openSource } from '../../../helpers/fake-apis/drive.ts'

const TOKEN = 'cycle-secret-token-1234'
const api = startFakeCycle({ token: TOKEN, slug: 'acme', customers: 12 })
afterAll(() => api.stop())

const fast = { max_attempts: 4, backoff_base_ms: 5, backoff_max_ms: 20 }
const config = (extra: Record<string, unknown> = {}) => ({
  slug: 'acme',
  page_size: 5,
  base_url: api.url,
  retry: fast,
  authentication: { type: 'api_key', params: { token: TOKEN } },
  ...extra,
})
const open = (extra?: Record<string, unknown>, logs?: Logged[]) =>
  openSource(decl, 'customers', config(extra), { logs })
const ids = api.customers.map((c) => c.id)

describe('cycle source', () => {
  test('reads every customer with the documented fields, pageInfo as the pagination', async () => {
    const result = await drain(await open(), 'customers')
    expect(result.ids).toEqual(ids)
    expect(result.pages).toBe(3)
    expect(result.records[0]).toEqual(api.customers[0] as never)
    expect(result.paginations[0]).toEqual({
      hasPreviousPage: false,
      hasNextPage: true,
      startCursor: expect.any(String),
      endCursor: expect.any(String),
    })
    const sent = api.requests.at(-1)!
    expect(sent.authorization).toBe(`Bearer ${TOKEN}`)
    expect(sent.variables).toEqual({ slug: 'acme' })
  })

  test('a wrong token fails with a clear 401 message that does not contain the token', async () => {
    const wrong = 'wrong-token-abcdef'
    const source = await open({ authentication: { type: 'api_key', params: { token: wrong } } })
    const error = await failure(source.read({ stream: 'customers', pagination: {} }))
    expect(error.message).toMatch(
      /^Source "cycle" could not query POST http:\/\/127\.0\.0\.1:\d+\/graphql: HTTP 401 Unauthorized; body: .*\. Check source\.authentication: the server refused the credentials\.$/,
    )
    expect(error.message).not.toContain(wrong)
  })

  test('429 with Retry-After is waited out, then the page comes', async () => {
    api.script({
      status: 429,
      headers: { 'Retry-After': '1' },
      body: '{"errors":[{"message":"Too many requests"}]}',
    })
    const logs: Logged[] = []
    const started = performance.now()
    const page = await (await open({}, logs)).read({ stream: 'customers', pagination: {} })
    expect(performance.now() - started).toBeGreaterThanOrEqual(950)
    expect(page.records.map((r) => r.id)).toEqual(ids.slice(0, 5))
    expect(logs.find((l) => l.level === 'warn')?.message).toContain('HTTP 429 Too Many Requests')
  })

  test('5xx answers are retried until the API recovers', async () => {
    api.script({ status: 502, body: 'bad gateway' }, { status: 503, body: 'unavailable' })
    const before = api.requests.length
    const result = await drain(await open(), 'customers')
    expect(result.ids).toEqual(ids)
    expect(api.requests.length - before).toBe(3 + 2)
  })

  test('a malformed page fails with a clear error naming what is missing', async () => {
    api.script({ status: 200, body: '{"data":{"getProductBySlug":{"customers":{"nodes":[]}}}}' })
    const error = await failure((await open()).read({ stream: 'customers', pagination: {} }))
    expect(error.message).toBe(
      'Source "cycle" could not read the customers of "acme": the response has no data.getProductBySlug.customers {edges, pageInfo}: "{"data":{"getProductBySlug":{"customers":{"nodes":[]}}}}". Check source.base_url: it must be the Cycle GraphQL endpoint.',
    )
    api.script({ status: 200, body: '<html>maintenance</html>' })
    const notJson = await failure((await open()).read({ stream: 'customers', pagination: {} }))
    expect(notJson.message).toContain('the body is not valid JSON')
  })

  test('GraphQL errors and an unknown slug are reported as such', async () => {
    api.script({
      status: 200,
      body: '{"errors":[{"message":"Cannot query field \\"customers\\""}],"data":null}',
    })
    const error = await failure((await open()).read({ stream: 'customers', pagination: {} }))
    expect(error.message).toBe(
      'Source "cycle" could not read the customers of "acme": the API answered with errors: Cannot query field "customers". Check source.slug and that the API key can read this product.',
    )
    const unknown = await failure(
      (await open({ slug: 'nope' })).read({ stream: 'customers', pagination: {} }),
    )
    expect(unknown.message).toBe(
      'Source "cycle" could not read the customers of "nope": no product has this slug. Check source.slug.',
    )
  })

  test('Ratelimit-Remaining: 0 pauses until Ratelimit-Reset', async () => {
    api.setWindow(1, 1)
    const logs: Logged[] = []
    const source = await open({}, logs)
    const first = await source.read({ stream: 'customers', pagination: {} })
    await source.read({ stream: 'customers', pagination: first.next! })
    const started = performance.now()
    await source.read({ stream: 'customers', pagination: first.next! })
    expect(performance.now() - started).toBeGreaterThanOrEqual(300)
    expect(logs.map((l) => l.message)).toContainEqual(
      expect.stringMatching(/^Cycle rate limit reached: waiting \d s/),
    )
  })

  test('the schema rejects an authentication that is not a token', async () => {
    await expect(
      openSource(decl, 'customers', config({ authentication: { type: 'basic', params: { username: 'u' } } })),
    ).rejects.toThrow('Cycle authenticates with an API token')
  })
})

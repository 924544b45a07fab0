import { afterAll, describe, expect, test } from 'bun:test'
import decl from '../../../../connectors/sources/gbif/index.ts'
import { drain, type Logged, openSource } from '../../../helpers/fake-apis/drive.ts'
import { startFakeGbif } from '../../../helpers/fake-apis/gbif.ts'

const api = startFakeGbif({ records: 12 })
afterAll(() => api.stop())
const PATH = '/v1/occurrence/search'
const fast = { max_attempts: 4, backoff_base_ms: 1, backoff_max_ms: 5 }
const open = (extra: Record<string, unknown> = {}, logs: Logged[] = []) =>
  openSource(
    decl,
    'occurrence',
    { base_url: api.baseUrl, page_limit: 5, retry: fast, rate_limit: 1000, ...extra },
    { logs },
  )

describe('gbif', () => {
  test('the last page asks only for what max_records leaves, and ids fall back to gbifID then position', async () => {
    const before = api.requests.length
    const result = await drain(await open({ max_records: 12, page_limit: 5 }), 'occurrence')
    expect(api.requests.slice(before).map((r) => [r.query['offset'], r.query['limit']])).toEqual([
      ['0', '5'],
      ['5', '5'],
      ['10', '2'],
    ])
    expect(result.ids.slice(2, 6)).toEqual(['4000000002', '4000000003', '0_4', '4000000005'])
  })

  test('params filter the search and the total', async () => {
    const source = await open({ params: { country: 'PL' } })
    const poland = api.occurrences.filter((o) => o['countryCode'] === 'PL')
    expect(await source.total!()).toBe(poland.length)
    const result = await drain(source, 'occurrence')
    expect(result.records).toEqual(poland)
    expect(api.requests.at(-1)!.query['country']).toBe('PL')
  })

  test('a 429 with Retry-After waits that long, then reads on', async () => {
    api.script(PATH, { status: 429, headers: { 'Retry-After': '1' }, body: 'Too many requests' })
    const started = performance.now()
    const page = await (await open()).read({ stream: 'occurrence', pagination: {} })
    expect(page.records).toHaveLength(5)
    expect(performance.now() - started).toBeGreaterThanOrEqual(950)
  })

  test('5xx answers are retried until the API recovers', async () => {
    api.script(PATH, { status: 503 }, { status: 500, body: 'oops' })
    const logs: Logged[] = []
    const result = await drain(await open({}, logs), 'occurrence')
    expect(result.ids).toHaveLength(12)
    expect(logs.filter((l) => l.level === 'warn')).toHaveLength(2)
  })

  test('a malformed page is a clear error naming the page', async () => {
    api.script(PATH, { status: 200, body: '{"offset":0,"limit":5,"endOfRecords":false}' })
    const error = await (await open()).read({ stream: 'occurrence', pagination: {} }).catch((e) => e)
    expect(error.message).toMatch(
      /^Source "gbif" could not read the page http:\/\/127\.0\.0\.1:\d+\/v1\/occurrence\/search\?limit=5&offset=0: the answer has no "results" list\. Check source\.base_url: it must point at the GBIF v1 API root\.$/,
    )
  })

  test('a 400 (bad filter) fails at once with the API message', async () => {
    api.script(PATH, { status: 400, body: 'Invalid search param value: year=abc' })
    const before = api.count(PATH)
    const error = await (await open({ params: { year: 'abc' } }))
      .read({ stream: 'occurrence', pagination: {} })
      .catch((e) => e)
    expect(error.message).toContain('HTTP 400 Bad Request; body: "Invalid search param value: year=abc"')
    expect(api.count(PATH) - before).toBe(1)
  })

  test('page_limit and max_records above the GBIF limits are config errors', async () => {
    await expect(open({ page_limit: 301 })).rejects.toThrow('Invalid value: Expected <=300 but received 301')
    await expect(open({ max_records: 100_001 })).rejects.toThrow('Expected <=100000')
  })
})

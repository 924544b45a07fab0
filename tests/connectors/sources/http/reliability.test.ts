import { afterAll, describe, expect, test } from 'bun:test'
import { startFakeApi } from '../../../helpers/fake-api.ts'
import { drain, httpSource, type Logged, range } from './helpers.ts'

const api = startFakeApi({ items: 12 })
afterAll(() => api.stop())

const fast = { max_attempts: 5, backoff_base_ms: 2, backoff_max_ms: 10 }
const offset = (extra: Record<string, unknown> = {}) => ({
  url: `${api.url}/offset`,
  records_path: 'data',
  pagination: { type: 'offset', limit: 5 },
  retry: fast,
  ...extra,
})

describe('retries', () => {
  test('transient 503s are retried until the page comes', async () => {
    const before = api.count('/offset')
    api.script('/offset', { status: 503, body: 'upstream down' }, { status: 502 })
    const logs: Logged[] = []
    const result = await drain(await httpSource(offset(), { logs }))
    expect(result.ids).toEqual(range(1, 12))
    expect(api.count('/offset') - before).toBe(3 + 2) // 3 pages + 2 failed attempts
    expect(logs.filter((l) => l.level === 'warn').map((l) => l.message)).toEqual([
      expect.stringMatching(
        /^GET http:\/\/127\.0\.0\.1:\d+\/offset\?offset=0&limit=5 failed \(HTTP 503 Service Unavailable: "upstream down"\); retry 2\/5 in \d+ ms$/,
      ),
      expect.stringMatching(/failed \(HTTP 502 Bad Gateway\); retry 3\/5/),
    ])
  })

  test('gives up after max_attempts with the status and a body excerpt', async () => {
    const before = api.count('/offset')
    api.script('/offset', ...Array(3).fill({ status: 500, body: '{"error":"boom"}' }))
    const source = await httpSource(offset({ retry: { ...fast, max_attempts: 3 } }))
    await expect(source.read({ stream: 'items', pagination: {} })).rejects.toThrow(
      /^Source "http" could not GET http:\/\/127\.0\.0\.1:\d+\/offset\?offset=0&limit=5: HTTP 500 Internal Server Error after 3 attempts; body: "\{"error":"boom"\}"\. The server kept failing: run again later or raise source\.retry\.max_attempts\.$/,
    )
    expect(api.count('/offset') - before).toBe(3)
  })

  test('429 honours Retry-After in seconds', async () => {
    const before = api.count('/offset')
    api.script('/offset', { status: 429, headers: { 'Retry-After': '1' } })
    const started = performance.now()
    const page = await (await httpSource(offset())).read({ stream: 'items', pagination: {} })
    const waited = performance.now() - started
    expect(page.records).toHaveLength(5)
    expect(api.count('/offset') - before).toBe(2)
    expect(waited).toBeGreaterThanOrEqual(950)
    const times = api.requests.filter((r) => r.path === '/offset').slice(-2)
    expect(times[1]!.at - times[0]!.at).toBeGreaterThanOrEqual(950)
  })

  test('a 404 is not retried', async () => {
    const before = api.count('/missing')
    const source = await httpSource({ url: `${api.url}/missing`, retry: fast })
    await expect(source.read({ stream: 'items', pagination: {} })).rejects.toThrow(
      /could not GET http:\/\/127\.0\.0\.1:\d+\/missing: HTTP 404 Not Found; body: "\{"error":"not found"\}"\. Check source\.url and the path it names\.$/,
    )
    expect(api.count('/missing') - before).toBe(1)
  })

  test('a slow answer times out and is retried', async () => {
    const before = api.count('/offset')
    api.script('/offset', { delayMs: 300 })
    const page = await (await httpSource(offset({ timeout_ms: 100 }))).read({
      stream: 'items',
      pagination: {},
    })
    expect(page.records).toHaveLength(5)
    expect(api.count('/offset') - before).toBe(2)
  })

  test('an unreachable host fails with a connection error after the retries', async () => {
    const closed = Bun.serve({ port: 0, fetch: () => new Response('') })
    const url = `http://127.0.0.1:${closed.port}/x`
    await closed.stop(true)
    const source = await httpSource({ url, retry: { ...fast, max_attempts: 2 } })
    const error = await source.read({ stream: 'items', pagination: {} }).catch((e) => e)
    expect(error.code).toBe('connection')
    expect(error.message).toStartWith(`Source "http" could not GET ${url}: `)
    expect(error.message).toEndWith(
      'after 2 attempts. Check that the host is reachable, or raise source.timeout_ms if it is slow.',
    )
  })

  test('stopping the run aborts a Retry-After wait at once', async () => {
    api.script('/offset', { status: 429, headers: { 'Retry-After': '30' } })
    const stop = new AbortController()
    const source = await httpSource(offset(), { signal: stop.signal })
    const started = performance.now()
    const reading = source.read({ stream: 'items', pagination: {} })
    setTimeout(() => stop.abort(new Error('run stopping')), 50)
    await expect(reading).rejects.toThrow('run stopping')
    expect(performance.now() - started).toBeLessThan(2000)
  })
})

describe('malformed pages', () => {
  test('a page that is not JSON names the URL and shows the start of the body', async () => {
    api.script('/offset', { status: 200, body: '{"data": [{"id": 1, "name": ' })
    const source = await httpSource(offset())
    await expect(source.read({ stream: 'items', pagination: { offset: 5 } })).rejects.toThrow(
      /^Source "http" could not read the response of GET http:\/\/127\.0\.0\.1:\d+\/offset\?offset=5&limit=5: the body is not valid JSON \(.+\): "\{"data": \[\{"id": 1, "name":"\. Check that the URL points at a JSON API\.$/,
    )
  })
})

describe('rate limit', () => {
  test('rate_limit spaces requests evenly', async () => {
    const before = api.requests.length
    const result = await drain(
      await httpSource(offset({ rate_limit: 20, pagination: { type: 'offset', limit: 3 } })),
    )
    expect(result.pages).toBe(5)
    const times = api.requests.slice(before).map((r) => r.at)
    const gaps = times.slice(1).map((t, i) => t - times[i]!)
    expect(gaps).toHaveLength(4)
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(45) // 1/20 s, minus timer slack
  })
})

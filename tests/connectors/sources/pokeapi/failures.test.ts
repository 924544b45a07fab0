import { afterAll, describe, expect, test } from 'bun:test'
import decl from '../../../../connectors/sources/pokeapi/index.ts'
import { drain, type Logged, openSource } from '../../../helpers/fake-apis/drive.ts'
import { startFakePokeApi } from '../../../helpers/fake-apis/pokeapi.ts'

const api = startFakePokeApi({ pokemon: 12, berry: 2, item: 1 })
afterAll(() => api.stop())
const PATH = '/api/v2/pokemon'
const fast = { max_attempts: 4, backoff_base_ms: 1, backoff_max_ms: 5 }
const open = (extra: Record<string, unknown> = {}, logs: Logged[] = []) =>
  openSource(
    decl,
    'pokemon',
    { base_url: api.baseUrl, page_size: 5, retry: fast, rate_limit: 1000, ...extra },
    { logs },
  )

describe('pokeapi failures', () => {
  test('a 429 with Retry-After waits that long, then reads on', async () => {
    api.script(PATH, { status: 429, headers: { 'Retry-After': '1' }, body: 'Too Many Requests' })
    const before = api.count(PATH)
    const started = performance.now()
    const result = await drain(await open(), 'pokemon')
    expect(result.ids).toEqual(api.names['pokemon']!)
    expect(performance.now() - started).toBeGreaterThanOrEqual(950)
    expect(api.count(PATH) - before).toBe(4) // 3 pages + the refused attempt
  })

  test('5xx answers are retried until the API recovers, with a warning per retry', async () => {
    api.script(PATH, { status: 502, body: 'Bad Gateway' }, { status: 503, body: 'busy' })
    const logs: Logged[] = []
    const result = await drain(await open({}, logs), 'pokemon')
    expect(result.ids).toEqual(api.names['pokemon']!)
    expect(logs.filter((l) => l.level === 'warn').map((l) => l.message)).toEqual([
      expect.stringMatching(
        /^GET http:\/\/127\.0\.0\.1:\d+\/api\/v2\/pokemon\?limit=5 failed \(HTTP 502 Bad Gateway: "Bad Gateway"\); retry 2\/4 in \d+ ms$/,
      ),
      expect.stringMatching(/failed \(HTTP 503 Service Unavailable: "busy"\); retry 3\/4/),
    ])
  })

  test('a server that keeps failing ends the read with the status and the next step', async () => {
    api.script(PATH, ...Array(4).fill({ status: 500, body: '{"detail":"boom"}' }))
    const error = await (await open()).read({ stream: 'pokemon', pagination: {} }).catch((e) => e)
    expect(error.message).toMatch(
      /^Source "pokeapi" could not list pokemon with GET http:\/\/127\.0\.0\.1:\d+\/api\/v2\/pokemon\?limit=5: HTTP 500 Internal Server Error after 4 attempts; body: "\{"detail":"boom"\}"\. The server kept failing: run again later or raise source\.retry\.max_attempts\.$/,
    )
  })

  test('a malformed page (not JSON, or JSON without results) is a clear error', async () => {
    api.script(PATH, { status: 200, body: '<html>maintenance</html>' })
    const notJson = await (await open()).read({ stream: 'pokemon', pagination: {} }).catch((e) => e)
    expect(notJson.message).toMatch(
      /^Source "pokeapi" could not read the response of GET http:\/\/127\.0\.0\.1:\d+\/api\/v2\/pokemon\?limit=5: the body is not valid JSON .*"<html>maintenance<\/html>"\. Check that the URL points at a JSON API\.$/,
    )
    api.script(PATH, {
      status: 200,
      body: '{"count":3,"items":[]}',
      headers: { 'Content-Type': 'application/json' },
    })
    const noResults = await (await open()).read({ stream: 'pokemon', pagination: {} }).catch((e) => e)
    expect(noResults.message).toMatch(
      /^Source "pokeapi" could not read the page http:\/\/127\.0\.0\.1:\d+\/api\/v2\/pokemon\?limit=5: the answer has no "results" list\. Check source\.base_url: it must point at the PokeAPI v2 root\.$/,
    )
  })

  test('a wrong base_url fails at once with a 404, not retried', async () => {
    const before = api.count()
    const source = await open({ base_url: `${api.origin}/api/v1` })
    const check = await source.check!()
    expect(check.ok).toBe(false)
    expect(check.detail).toContain('HTTP 404 Not Found; body: "Not Found"')
    expect(api.count() - before).toBe(1)
  })

  test('rate_limit spaces the requests', async () => {
    const before = api.requests.length
    await drain(await open({ rate_limit: 10 }), 'pokemon')
    const times = api.requests.slice(before).map((r) => r.at)
    expect(times).toHaveLength(3)
    expect(times[2]! - times[0]!).toBeGreaterThanOrEqual(180)
  })

  test('total is the count the API announces', async () => {
    expect(await (await open()).total!()).toBe(12)
  })
})

import { afterAll, describe, expect, test } from 'bun:test'
import decl from '../../../../connectors/sources/hubspot/index.ts'
import { drain, type Logged, openSource } from '../../../helpers/fake-apis/drive.ts'
import { startFakeHubSpot } from '../../../helpers/fake-apis/hubspot.ts'

const TOKEN = 'pat-na1-aaaabbbb-cccc-dddd'
const api = startFakeHubSpot({ auth: { type: 'token', token: TOKEN } })
afterAll(() => api.stop())
const fast = { max_attempts: 4, backoff_base_ms: 1, backoff_max_ms: 5 }
const open = (extra: Record<string, unknown> = {}, logs: Logged[] = [], stream = 'contacts') =>
  openSource(
    decl,
    stream,
    {
      base_url: api.baseUrl,
      authentication: { type: 'api_key', params: { token: TOKEN } },
      page_size: 10,
      rate_limit: 1000,
      retry: fast,
      ...extra,
    },
    { logs },
  )
const LIST = '/crm/v3/objects/contacts'

describe('hubspot pages', () => {
  test('the last page is a proper page: its records are kept and the stream ends (reference §15 #22)', async () => {
    const source = await open()
    const pages = []
    let pagination: Record<string, unknown> | null = {}
    while (pagination) {
      const page = await source.read({ stream: 'contacts', pagination })
      pages.push(page)
      pagination = page.next
    }
    expect(pages.map((p) => p.records.length)).toEqual([10, 10, 3])
    expect(pages.map((p) => p.next)).toEqual([{ after: '10' }, { after: '20' }, null])
    expect(pages[2]!.records.at(-1)).toEqual({
      id: '1023',
      data: expect.objectContaining({
        id: '1023',
        properties: expect.objectContaining({ email: 'email-1023' }),
      }),
      timestamp: new Date(api.objects['contacts']![22]!.updatedAt),
    })
  })

  test('strategy all asks for every property the object has', async () => {
    await (await open()).read({ stream: 'contacts', pagination: {} })
    expect(api.requests.at(-1)!.query).toEqual({
      limit: '10',
      properties: api.propertyNames['contacts']!.join(','),
      archived: 'false',
    })
  })

  test('strategy selected asks for those only, and names the unknown ones', async () => {
    const page = await (
      await open({ properties: { strategy: 'selected', selected_properties: ['email', 'phone'] } })
    ).read({ stream: 'contacts', pagination: {} })
    expect(Object.keys(page.records[0]!.data['properties'] as object)).toEqual(['email', 'phone'])
    const bad = await open({
      properties: { strategy: 'selected', selected_properties: ['email', 'emial', 'favourite_color'] },
    })
    const error = await bad.read({ stream: 'contacts', pagination: {} }).catch((e) => e)
    expect(error.message).toBe(
      'Source "hubspot" could not select properties of contacts: "emial", "favourite_color" do not exist. ' +
        'Check source.properties.selected_properties (contacts has e.g. email, firstname, lastname, phone, createdate).',
    )
  })

  test('init_pipeline: false skips the properties lookup and reads the default properties', async () => {
    const before = api.count('/crm/v3/properties/contacts')
    const source = await openSource(
      decl,
      'contacts',
      { base_url: api.baseUrl, authentication: { type: 'api_key', params: { token: TOKEN } } },
      { common: { init_pipeline: false } },
    )
    const page = await source.read({ stream: 'contacts', pagination: {} })
    expect(page.records).toHaveLength(23)
    expect(api.count('/crm/v3/properties/contacts')).toBe(before)
    expect(api.requests.at(-1)!.query['properties']).toBeUndefined()
  })

  test('total is the search total; a search refused leaves the run without one', async () => {
    expect(await (await open()).total!()).toBe(23)
    api.script('/crm/v3/objects/contacts/search', {
      status: 403,
      body: '{"status":"error","message":"This app hasn\'t been granted all required scopes","category":"MISSING_SCOPES"}',
    })
    const logs: Logged[] = []
    expect(await (await open({}, logs)).total!()).toBeNull()
    expect(logs.find((l) => l.level === 'warn')!.message).toContain(
      'could not count contacts, going on without a total',
    )
  })
})

describe('hubspot failures', () => {
  test('a refused token: a clear 401 error that never shows the token', async () => {
    const wrong = 'pat-na1-WRONG-999999'
    const logs: Logged[] = []
    const source = await open({ authentication: { type: 'api_key', params: { token: wrong } } }, logs)
    const check = await source.check!()
    expect(check.ok).toBe(false)
    expect(check.detail).toMatch(
      /^Source "hubspot" could not list the properties of GET http:\/\/127\.0\.0\.1:\d+\/crm\/v3\/properties\/contacts: HTTP 401 Unauthorized; body: "\{"status":"error","message":"Authentication credentials not found\..*"\. Check source\.authentication: the server refused the credentials\.$/,
    )
    expect(check.detail + logs.map((l) => l.message).join('\n')).not.toContain(wrong)
  })

  test('a 429 with Retry-After waits that long, then reads on', async () => {
    api.script(LIST, {
      status: 429,
      headers: { 'Retry-After': '1', 'Content-Type': 'application/json' },
      body: '{"status":"error","message":"You have reached your secondly limit.","errorType":"RATE_LIMIT","policyName":"SECONDLY"}',
    })
    const started = performance.now()
    const result = await drain(await open(), 'contacts')
    expect(result.ids).toHaveLength(23)
    expect(performance.now() - started).toBeGreaterThanOrEqual(950)
  })

  test('5xx answers are retried until HubSpot recovers', async () => {
    api.script(LIST, { status: 502, body: 'Bad Gateway' }, { status: 504 })
    const logs: Logged[] = []
    const result = await drain(await open({}, logs), 'contacts')
    expect(result.ids).toEqual(api.objects['contacts']!.map((o) => o.id))
    expect(logs.filter((l) => l.level === 'warn').map((l) => l.message)).toEqual([
      expect.stringMatching(/failed \(HTTP 502 Bad Gateway: "Bad Gateway"\); retry 2\/4 in \d+ ms$/),
      expect.stringMatching(/failed \(HTTP 504 Gateway Timeout\); retry 3\/4 in \d+ ms$/),
    ])
  })

  test('a malformed page is a clear error', async () => {
    const source = await open()
    await source.read({ stream: 'contacts', pagination: {} }) // properties resolved
    api.script(LIST, { status: 200, body: '{"status":"ok","paging":{}}' })
    const error = await source.read({ stream: 'contacts', pagination: { after: '10' } }).catch((e) => e)
    expect(error.message).toMatch(
      /^Source "hubspot" could not read the page http:\/\/127\.0\.0\.1:\d+\/crm\/v3\/objects\/contacts\?limit=10&after=10&properties=.*&archived=false: the answer has no "results" list\. Check source\.base_url: it must point at the HubSpot API root\.$/,
    )
  })
})

describe('hubspot rate limit headers', () => {
  test('X-HubSpot-RateLimit-Remaining: 0 makes the next request wait for the window, so no 429 is served', async () => {
    const limited = startFakeHubSpot({
      auth: { type: 'token', token: TOKEN },
      rateLimit: { max: 3, intervalMs: 300 },
    })
    try {
      const source = await openSource(decl, 'contacts', {
        base_url: limited.baseUrl,
        authentication: { type: 'api_key', params: { token: TOKEN } },
        page_size: 4,
        rate_limit: 1000,
        retry: { max_attempts: 1 },
      })
      const result = await drain(source, 'contacts')
      expect(result.ids).toHaveLength(23)
      expect(limited.rateLimited()).toBe(0)
    } finally {
      await limited.stop()
    }
  })
})

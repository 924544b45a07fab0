import { afterAll, describe, expect, test } from 'bun:test'
import decl from '../../../../connectors/sources/periscope/index.ts'
import { drain, failure, type Logged, openSource } from '../../../helpers/fake-apis/drive.ts'
import { periscopeConfig, startFakePeriscope } from '../../../helpers/fake-apis/periscope.ts'

const secrets = {
  cfBm: 'cf-bm-secret-1234',
  session: 'session-secret-5678',
  csrf: 'csrf-secret-9012',
  siteId: 3,
}
const api = startFakePeriscope(secrets, { dashboards: 8 })
afterAll(() => api.stop())

const fast = { max_attempts: 4, backoff_base_ms: 5, backoff_max_ms: 20 }
const open = (stream: string, extra?: Record<string, unknown>, logs?: Logged[]) =>
  openSource(decl, stream, periscopeConfig(secrets, api.url, { retry: fast, ...extra }), { logs })

describe('periscope source', () => {
  test('each single-request stream reads its list in one iteration', async () => {
    const expected: Record<string, (string | number)[]> = {
      dashboards: api.dashboards.map((d) => d.id),
      dashboards_metadata: api.dashboards.map((d) => d.id),
      views: [1, 2],
      users: [11, 12, 13],
      databases: [42, 77],
    }
    for (const [stream, ids] of Object.entries(expected)) {
      const result = await drain(await open(stream), stream)
      expect({ stream, ids: result.ids, pages: result.pages }).toEqual({ stream, ids, pages: 1 })
    }
    const search = api.requests.find((r) => r.path === '/global_search/search')!
    expect(JSON.parse(search.body)).toEqual({
      client_site_id: 3,
      filters: [{ name: 'typeFilter', input: 'Dashboard' }],
      limit: 2000,
      query_plan: null,
    })
  })

  test('charts: dashboards in batches, widgets of database_id once, textboxes with raw_text', async () => {
    const result = await drain(await open('charts', { dashboards_per_page: 3 }), 'charts')
    expect(result.ids).toEqual(api.chartIds(42))
    expect(result.paginations).toEqual([
      { dashboard_ids: api.dashboards.slice(3).map((d) => d.id) },
      { dashboard_ids: api.dashboards.slice(6).map((d) => d.id) },
    ])
    const textbox = result.records.find((c) => c['content_id'] === 9001)!
    expect(textbox['raw_text']).toBe('Notes of dashboard 1 [docs](https://x.io)')
    expect(result.records.find((c) => !c['content_id'])!['raw_text']).toBeNull()
    // dashboard 3 has widgets on rows 0..80: two windows, then an empty one ends it
    const windows = api.requests
      .filter((r) => r.path === '/welcome/remaining_widgets' && r.query['current_dashboard'] === '503')
      .map((r) => r.query['minimum_dashboard_fluid_row'])
    expect(windows).toEqual(['0', '50', '100'])
  })

  test('expired cookies: a 401 says to copy fresh ones and shows no cookie or token', async () => {
    const source = await open('dashboards', {
      authentication: {
        type: 'cookies',
        params: { cookies: { cf_bm: 'stale-cf-bm-0000', periscope_session: 'stale-session-0000' } },
      },
    })
    const error = await failure(source.read({ stream: 'dashboards', pagination: {} }))
    expect(error.message).toMatch(
      /^Source "periscope" could not call GET http:\/\/127\.0\.0\.1:\d+\/login_state\/dashboards\?client_site_id=3: HTTP 401 Unauthorized; body: .*The session has probably expired: copy fresh cf_bm, periscope_session and x_csrf_token from a logged-in browser\.$/,
    )
    for (const secret of ['stale-cf-bm-0000', 'stale-session-0000', secrets.csrf])
      expect(error.message).not.toContain(secret)
  })

  test('a login page instead of JSON is reported as an expired session', async () => {
    api.script('/users/owners', {
      status: 200,
      body: '<!DOCTYPE html><title>Sign in</title>',
      headers: { 'Content-Type': 'text/html' },
    })
    const error = await failure((await open('users')).read({ stream: 'users', pagination: {} }))
    expect(error.message).toBe(
      'Source "periscope" could not read users: GET /users/owners answered with an HTML page instead of JSON. The session has probably expired: copy fresh cf_bm, periscope_session and x_csrf_token from a logged-in browser.',
    )
  })

  test('429 with Retry-After and 5xx are retried until the answer comes', async () => {
    api.script(
      '/login_state/sql_views',
      { status: 429, headers: { 'Retry-After': '1' } },
      { status: 500, body: 'oops' },
    )
    const logs: Logged[] = []
    const started = performance.now()
    const result = await drain(await open('views', {}, logs), 'views')
    expect(performance.now() - started).toBeGreaterThanOrEqual(950)
    expect(result.ids).toEqual([1, 2])
    expect(logs.filter((l) => l.level === 'warn').map((l) => l.message)).toEqual([
      expect.stringContaining('HTTP 429 Too Many Requests'),
      expect.stringContaining('HTTP 500 Internal Server Error'),
    ])
  })

  test('a malformed page fails with a clear error', async () => {
    api.script('/welcome/remaining_state/site_models', { status: 200, body: '{"Databases":[]}' })
    const error = await failure((await open('databases')).read({ stream: 'databases', pagination: {} }))
    expect(error.message).toBe(
      'Source "periscope" could not read databases: the answer of /welcome/remaining_state/site_models has no "Database" list: "{"Databases":[]}". Check source.base_url: it must be the Periscope site.',
    )
  })

  test('rate_limit spaces the requests', async () => {
    const before = api.requests.length
    await drain(await open('charts', { rate_limit: 20, dashboards_per_page: 2 }), 'charts')
    const times = api.requests.slice(before).map((r) => r.at)
    expect(times.length).toBeGreaterThan(10)
    // parallel dashboard reads still leave one by one
    // 1/20 s per request; measured over the whole run, as arrival times jitter on a busy machine
    expect(times.at(-1)! - times[0]!).toBeGreaterThanOrEqual((times.length - 1) * 45)
  })
})

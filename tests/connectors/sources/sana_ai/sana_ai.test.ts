import { afterAll, describe, expect, test } from 'bun:test'
import decl from '../../../../connectors/sources/sana_ai/index.ts'
import { drain, failure, type Logged, openSource } from '../../../helpers/fake-apis/drive.ts'
import { startFakeSana } from '../../../helpers/fake-apis/sana_ai.ts'

const SECRET = 'sana-client-secret-4321'
const api = startFakeSana({ clientId: 'cid', clientSecret: SECRET, rows: 12, pollsUntilReady: 2 })
afterAll(() => api.stop())

const auth = (secret = SECRET) => ({
  type: 'oauth',
  params: {
    token_refresh_endpoint: api.tokenUrl,
    client_id: 'cid',
    client_secret: secret,
    grant_type: 'client_credentials',
    access_token_name: 'accessToken',
    expires_in_name: 'expiresIn',
    response_field_path: 'data',
  },
})
const config = (extra: Record<string, unknown> = {}) => ({
  domain: 'acme',
  query: 'SELECT "user" FROM "analytics"."users"',
  base_url: api.url,
  poll_interval: 0.01,
  page_size: 5,
  retry: { max_attempts: 4, backoff_base_ms: 5, backoff_max_ms: 20 },
  authentication: auth(),
  ...extra,
})
const open = (extra?: Record<string, unknown>, logs?: Logged[]) =>
  openSource(decl, 'insight_report', config(extra), { logs })

describe('sana_ai source', () => {
  test('starts a job, polls it, downloads the CSV without the token, and pages its rows', async () => {
    const before = api.requests.length
    const result = await drain(await open(), 'insight_report')
    expect(result.ids).toEqual(api.rows.map((_, i) => String(i)))
    expect(result.records).toEqual(api.rows)
    expect(result.paginations).toEqual([
      { job_id: expect.stringMatching(/^job-/), row: 5 },
      { job_id: expect.stringMatching(/^job-/), row: 10 },
    ])
    const seen = api.requests.slice(before).map((r) => `${r.method} ${r.path.replace(/job-\d+/, 'JOB')}`)
    expect(seen).toEqual([
      'POST /api/token',
      'POST /api/v1/reports/query',
      'GET /api/v1/reports/jobs/JOB',
      'GET /api/v1/reports/jobs/JOB',
      'GET /api/v1/reports/jobs/JOB',
      'GET storage:/reports/JOB.csv',
    ])
    const query = api.requests.slice(before).find((r) => r.path === '/api/v1/reports/query')!
    expect(JSON.parse(query.body)).toEqual({ query: 'SELECT "user" FROM "analytics"."users"', format: 'csv' })
  })

  test('a relative link on the API host is downloaded with the token', async () => {
    const local = startFakeSana({ clientId: 'cid', clientSecret: SECRET, rows: 3, sameHostLinks: true })
    try {
      const source = await openSource(decl, 'insight_report', {
        ...config({ base_url: local.url }),
        authentication: { ...auth(), params: { ...auth().params, token_refresh_endpoint: local.tokenUrl } },
      })
      expect((await drain(source, 'insight_report')).records).toEqual(local.rows)
      const download = local.requests.find((r) => r.path.startsWith('/api/v1/downloads/'))!
      expect(download.headers['authorization']).toStartWith('Bearer sana-at-')
    } finally {
      await local.stop()
    }
  })

  test('a wrong client secret fails with a clear 401 message without the secret', async () => {
    const wrong = 'wrong-secret-000000'
    const error = await failure(
      (await open({ authentication: auth(wrong) })).read({ stream: 'insight_report', pagination: {} }),
    )
    expect(error.message).toMatch(
      /^Source "sana_ai" could not get an OAuth2 access token from POST http:\/\/127\.0\.0\.1:\d+\/api\/token: HTTP 401 Unauthorized; body: .*\. Check source\.authentication\.params \(client_id, client_secret, refresh_token\)\.$/,
    )
    expect(error.message).not.toContain(wrong)
  })

  test('429 with Retry-After and 5xx are retried, then the report comes', async () => {
    api.script(
      '/api/v1/reports/query',
      { status: 429, headers: { 'Retry-After': '1' } },
      { status: 503, body: 'down' },
    )
    const started = performance.now()
    const result = await drain(await open(), 'insight_report')
    expect(performance.now() - started).toBeGreaterThanOrEqual(950)
    expect(result.ids).toHaveLength(12)
  })

  test('a malformed answer or a failed job fails with a clear error', async () => {
    api.script('/api/v1/reports/query', { status: 200, body: '{"data":{"id":"x"}}' })
    const malformed = await failure((await open()).read({ stream: 'insight_report', pagination: {} }))
    expect(malformed.message).toBe(
      'Source "sana_ai" could not read the report: the answer has no data.jobId (the report job id): "{"data":{"id":"x"}}". Check source.base_url: it must be the Sana API root (…/api/v1).',
    )
    const failing = startFakeSana({ clientId: 'cid', clientSecret: SECRET, failJobs: true })
    try {
      const source = await openSource(decl, 'insight_report', {
        ...config({ base_url: failing.url }),
        authentication: { ...auth(), params: { ...auth().params, token_refresh_endpoint: failing.tokenUrl } },
      })
      const error = await failure(source.read({ stream: 'insight_report', pagination: {} }))
      expect(error.message).toBe(
        'Source "sana_ai" could not read the report: report job job-1 ended failed: column "usr" does not exist. Check source.query.',
      )
    } finally {
      await failing.stop()
    }
  })

  test('a job that never finishes fails after job_timeout', async () => {
    const slowApi = startFakeSana({ clientId: 'cid', clientSecret: SECRET, pollsUntilReady: 1000 })
    try {
      const source = await openSource(decl, 'insight_report', {
        ...config({ base_url: slowApi.url, job_timeout: 0.05, poll_interval: 0.02 }),
        authentication: { ...auth(), params: { ...auth().params, token_refresh_endpoint: slowApi.tokenUrl } },
      })
      const error = await failure(source.read({ stream: 'insight_report', pagination: {} }))
      expect(error.message).toBe(
        'Source "sana_ai" could not read the report: report job job-1 is still processing after 0.05 s. Raise source.job_timeout or simplify source.query.',
      )
    } finally {
      await slowApi.stop()
    }
  })

  test('resuming after the job expired starts a new job and goes on from the stored row', async () => {
    const first = await (await open()).read({ stream: 'insight_report', pagination: {} })
    api.expireJobs()
    const jobs = api.jobsStarted()
    const logs: Logged[] = []
    const rest = await drain(await open({}, logs), 'insight_report', JSON.parse(JSON.stringify(first.next)))
    expect(rest.ids).toEqual(api.rows.slice(5).map((_, i) => String(i + 5)))
    expect(api.jobsStarted()).toBe(jobs + 1)
    expect(logs.map((l) => l.message)).toContainEqual(
      expect.stringContaining('no longer exists: starting a new one'),
    )
  })
})

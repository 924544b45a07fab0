import { afterAll, expect, test } from 'bun:test'
import decl from '../../../../connectors/sources/periscope/index.ts'
import { sourceSuite } from '../../../conformance/source.suite.ts'
import { startFakePeriscope } from '../../../helpers/fake-apis/periscope.ts'
import { loadExamples } from '../cycle/helpers.ts'

const secrets = {
  cfBm: 'cf-bm-cookie-value',
  session: 'session-cookie-value',
  csrf: 'csrf-token-value',
  siteId: 3,
}
const api = startFakePeriscope(secrets, { dashboards: 13 })
afterAll(() => api.stop())

export const periscopeConfig = (url: string, extra: Record<string, unknown> = {}) => ({
  authentication: {
    type: 'cookies',
    params: { cookies: { cf_bm: secrets.cfBm, periscope_session: secrets.session } },
  },
  workspace_name: 'acme',
  client_site_id: secrets.siteId,
  database_id: 42,
  x_csrf_token: secrets.csrf,
  base_url: url,
  rate_limit: 1000,
  ...extra,
})

sourceSuite('periscope (charts)', {
  decl,
  config: periscopeConfig(api.url, { dashboards_per_page: 3 }),
  stream: 'charts',
  expect: { ids: api.chartIds(42) },
})

sourceSuite('periscope (dashboards)', {
  decl,
  config: periscopeConfig(api.url),
  stream: 'dashboards',
  expect: { ids: api.dashboards.map((d) => d.id) },
})

test('the example pipeline loads with the real config loader', async () => {
  const env = { PERISCOPE_CF_BM: 'a', PERISCOPE_SESSION: 'b', PERISCOPE_CSRF_TOKEN: 'c' }
  expect(await loadExamples(decl, env)).toEqual(['periscope-charts-to-file.yml: periscope'])
})

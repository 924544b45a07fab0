import { afterAll, expect, test } from 'bun:test'
import decl from '../../../../connectors/sources/periscope/index.ts'
import { sourceSuite } from '../../../conformance/source.suite.ts'
import { loadExamples } from '../../../helpers/fake-apis/drive.ts'
import { periscopeConfig, startFakePeriscope } from '../../../helpers/fake-apis/periscope.ts'

const secrets = {
  cfBm: 'cf-bm-cookie-value',
  session: 'session-cookie-value',
  csrf: 'csrf-token-value',
  siteId: 3,
}
const api = startFakePeriscope(secrets, { dashboards: 13 })
afterAll(() => api.stop())

sourceSuite('periscope (charts)', {
  decl,
  config: periscopeConfig(secrets, api.url, { dashboards_per_page: 3 }),
  stream: 'charts',
  expect: { ids: api.chartIds(42) },
})

sourceSuite('periscope (dashboards)', {
  decl,
  config: periscopeConfig(secrets, api.url),
  stream: 'dashboards',
  expect: { ids: api.dashboards.map((d) => d.id) },
})

test('the example pipeline loads with the real config loader', async () => {
  const env = { PERISCOPE_CF_BM: 'a', PERISCOPE_SESSION: 'b', PERISCOPE_CSRF_TOKEN: 'c' }
  expect(await loadExamples(decl, env)).toEqual(['periscope-charts-to-file.yml: periscope'])
})

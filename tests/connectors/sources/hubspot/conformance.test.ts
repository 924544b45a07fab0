import { afterAll } from 'bun:test'
import decl from '../../../../connectors/sources/hubspot/index.ts'
import { sourceSuite } from '../../../conformance/source.suite.ts'
import { startFakeHubSpot } from '../../../helpers/fake-apis/hubspot.ts'

const TOKEN = 'pat-na1-11112222-3333'
const api = startFakeHubSpot({ auth: { type: 'token', token: TOKEN } })
afterAll(() => api.stop())
const config = (extra: Record<string, unknown> = {}) => ({
  base_url: api.baseUrl,
  authentication: { type: 'api_key', params: { token: TOKEN } },
  page_size: 5,
  rate_limit: 1000,
  ...extra,
})

sourceSuite('hubspot (contacts, last page shorter)', {
  decl,
  config: config(),
  stream: 'contacts',
  expect: { ids: api.objects['contacts']!.map((o) => o.id) },
})

sourceSuite('hubspot (companies, selected properties)', {
  decl,
  config: config({ properties: { strategy: 'selected', selected_properties: ['name', 'domain'] } }),
  stream: 'companies',
  expect: { ids: api.objects['companies']!.map((o) => o.id) },
})

sourceSuite('hubspot (deals, empty)', {
  decl,
  config: config(),
  stream: 'deals',
  expect: { records: 0 },
})

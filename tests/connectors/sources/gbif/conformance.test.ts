import { afterAll } from 'bun:test'
import decl from '../../../../connectors/sources/gbif/index.ts'
import { sourceSuite } from '../../../conformance/source.suite.ts'
import { startFakeGbif } from '../../../helpers/fake-apis/gbif.ts'

const api = startFakeGbif({ records: 57 })
afterAll(() => api.stop())
const ids = api.occurrences.map((o, i) =>
  String(o['key'] ?? o['gbifID'] ?? `${Math.floor(i / 10) * 10}_${i % 10}`),
)

sourceSuite('gbif (every record, 10 per page)', {
  decl,
  config: { base_url: api.baseUrl, page_limit: 10, rate_limit: 1000 },
  stream: 'occurrence',
  expect: { ids },
})

sourceSuite('gbif (capped by max_records mid-page)', {
  decl,
  config: { base_url: api.baseUrl, page_limit: 10, max_records: 25, rate_limit: 1000 },
  stream: 'occurrence',
  expect: { ids: ids.slice(0, 25) },
})

import { afterAll, expect, test } from 'bun:test'
import decl from '../../../../connectors/sources/cycle/index.ts'
import { sourceSuite } from '../../../conformance/source.suite.ts'
import { startFakeCycle } from '../../../helpers/fake-apis/cycle.ts'
import { loadExamples } from '../../../helpers/fake-apis/drive.ts'

const api = startFakeCycle({ token: 'cycle-test-token', slug: 'acme', customers: 23 })
afterAll(() => api.stop())

sourceSuite('cycle', {
  decl,
  config: {
    slug: 'acme',
    page_size: 5,
    base_url: api.url,
    authentication: { type: 'api_key', params: { token: 'cycle-test-token' } },
  },
  stream: 'customers',
  expect: { ids: api.customers.map((c) => c.id) },
})

test('the example pipeline loads with the real config loader', async () => {
  expect(await loadExamples(decl, { CYCLE_API_KEY: 'example' })).toEqual([
    'cycle-customers-to-file.yml: cycle',
  ])
})

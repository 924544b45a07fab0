import { afterAll } from 'bun:test'
import decl from '../../../../connectors/sources/http/index.ts'
import { sourceSuite } from '../../../conformance/source.suite.ts'
import { startFakeApi } from '../../../helpers/fake-api.ts'

const api = startFakeApi({ items: 23 })
afterAll(() => api.stop())
const ids = api.items.map((item) => item.id)

sourceSuite('http (cursor)', {
  decl,
  config: {
    url: `${api.url}/cursor`,
    params: { limit: 4 },
    records_path: 'results',
    pagination: { type: 'cursor', cursor_path: 'meta.next_cursor' },
  },
  stream: '*',
  expect: { ids },
})

sourceSuite('http (link_header)', {
  decl,
  config: { url: `${api.url}/link`, params: { per_page: 5 }, pagination: { type: 'link_header' } },
  stream: '*',
  expect: { ids },
})

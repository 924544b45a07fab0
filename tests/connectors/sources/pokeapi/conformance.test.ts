import { afterAll } from 'bun:test'
import decl from '../../../../connectors/sources/pokeapi/index.ts'
import { sourceSuite } from '../../../conformance/source.suite.ts'
import { startFakePokeApi } from '../../../helpers/fake-apis/pokeapi.ts'

const api = startFakePokeApi()
afterAll(() => api.stop())

sourceSuite('pokeapi (pokemon, 10 per page)', {
  decl,
  config: { base_url: api.baseUrl, page_size: 10, rate_limit: 1000 },
  stream: 'pokemon',
  expect: { ids: api.names['pokemon']! },
})

sourceSuite('pokeapi (berry, API default page size)', {
  decl,
  config: { base_url: api.baseUrl, rate_limit: 1000 },
  stream: 'berry',
  expect: { ids: api.names['berry']! },
})

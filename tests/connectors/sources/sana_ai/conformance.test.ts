import { afterAll, expect, test } from 'bun:test'
import decl from '../../../../connectors/sources/sana_ai/index.ts'
import { sourceSuite } from '../../../conformance/source.suite.ts'
import { loadExamples } from '../../../helpers/fake-apis/drive.ts'
import { startFakeSana } from '../../../helpers/fake-apis/sana_ai.ts'

const api = startFakeSana({ clientId: 'cid', clientSecret: 'sana-client-secret', rows: 23 })
afterAll(() => api.stop())

sourceSuite('sana_ai', {
  decl,
  config: {
    domain: 'acme',
    query: 'SELECT "user" FROM "analytics"."users"',
    base_url: api.url,
    poll_interval: 0.01,
    page_size: 5,
    authentication: {
      type: 'oauth',
      params: {
        token_refresh_endpoint: api.tokenUrl,
        client_id: 'cid',
        client_secret: 'sana-client-secret',
        grant_type: 'client_credentials',
        access_token_name: 'accessToken',
        expires_in_name: 'expiresIn',
        response_field_path: 'data',
      },
    },
  },
  stream: 'insight_report',
  expect: { ids: api.rows.map((_, i) => String(i)) },
})

test('the example pipeline loads with the real config loader', async () => {
  expect(await loadExamples(decl, { SANA_CLIENT_ID: 'a', SANA_CLIENT_SECRET: 'b' })).toEqual([
    'sana-report-to-file.yml: sana_ai',
  ])
})

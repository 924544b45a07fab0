import { expect, test } from 'bun:test'
import decl from '../../../../connectors/sources/hubspot/index.ts'
import { loadExamples } from '../../../helpers/fake-apis/drive.ts'

test('the example pipelines load with the real config loader and use hubspot', async () => {
  expect(
    await loadExamples(decl, {
      HUBSPOT_TOKEN: 'pat-example',
      HUBSPOT_CLIENT_ID: 'id',
      HUBSPOT_CLIENT_SECRET: 'secret',
      HUBSPOT_REFRESH_TOKEN: 'refresh',
    }),
  ).toEqual(['contacts-private-app.yml: hubspot', 'deals-oauth.yml: hubspot'])
})

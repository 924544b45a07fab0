import { expect, test } from 'bun:test'
import decl from '../../../../connectors/sources/hubspot/index.ts'
import { loadConnectorExamples } from '../../../helpers/fake-apis/drive.ts'

test('the example pipelines load with the real config loader and use hubspot', async () => {
  const loaded = await loadConnectorExamples(decl, {
    HUBSPOT_TOKEN: 'pat-example',
    HUBSPOT_CLIENT_ID: 'id',
    HUBSPOT_CLIENT_SECRET: 'secret',
    HUBSPOT_REFRESH_TOKEN: 'refresh',
  })
  expect(loaded.length).toBeGreaterThan(0)
  for (const example of loaded) expect(example).toEqual({ file: example.file, source: 'hubspot' })
})

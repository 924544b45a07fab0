import { expect, test } from 'bun:test'
import decl from '../../../../connectors/sources/http/index.ts'
import { loadExamples } from '../../../helpers/fake-apis/drive.ts'

test('the example pipelines load with the real config loader and use http', async () => {
  expect(
    await loadExamples(decl, { API_CLIENT_ID: 'example-id', API_CLIENT_SECRET: 'example-secret' }),
  ).toEqual([
    'github-issues-incremental.yml: http',
    'oauth-offset-api.yml: http',
    'pokeapi-to-file.yml: http',
  ])
})

import { expect, test } from 'bun:test'
import decl from '../../../../connectors/sources/gbif/index.ts'
import { loadExamples } from '../../../helpers/fake-apis/drive.ts'

test('the example pipelines load with the real config loader and use gbif', async () => {
  expect(await loadExamples(decl)).toEqual(['occurrence-to-file.yml: gbif'])
})

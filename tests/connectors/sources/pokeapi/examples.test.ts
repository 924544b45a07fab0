import { expect, test } from 'bun:test'
import decl from '../../../../connectors/sources/pokeapi/index.ts'
import { loadConnectorExamples } from '../../../helpers/fake-apis/drive.ts'

test('the example pipelines load with the real config loader and use pokeapi', async () => {
  const loaded = await loadConnectorExamples(decl)
  expect(loaded.length).toBeGreaterThan(0)
  for (const example of loaded) expect(example).toEqual({ file: example.file, source: 'pokeapi' })
})

import { expect, test } from 'bun:test'
import decl from '../../../../connectors/sources/pokeapi/index.ts'
import { loadExamples } from '../../../helpers/fake-apis/drive.ts'

test('the example pipelines load with the real config loader and use pokeapi', async () => {
  expect(await loadExamples(decl)).toEqual(['pokemon-to-file.yml: pokeapi'])
})

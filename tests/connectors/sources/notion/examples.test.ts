import { expect, test } from 'bun:test'
import decl from '../../../../connectors/sources/notion/index.ts'
import { loadConnectorExamples } from '../../../helpers/fake-apis/drive.ts'

test('the example pipelines load with the real config loader and use notion', async () => {
  const loaded = await loadConnectorExamples(decl, { NOTION_TOKEN: 'ntn_example' })
  expect(loaded.map((e) => e.file).sort()).toEqual(['pages-incremental.yml', 'workspace-markdown.yml'])
  for (const example of loaded) expect(example.source).toBe('notion')
})

import { expect, test } from 'bun:test'
import decl from '../../../../connectors/sources/notion/index.ts'
import { loadExamples } from '../../../helpers/fake-apis/drive.ts'

test('the example pipelines load with the real config loader and use notion', async () => {
  expect(await loadExamples(decl, { NOTION_TOKEN: 'ntn_example' })).toEqual([
    'pages-incremental.yml: notion',
    'workspace-markdown.yml: notion',
  ])
})

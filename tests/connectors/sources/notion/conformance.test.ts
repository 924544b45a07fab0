import { afterAll } from 'bun:test'
import decl from '../../../../connectors/sources/notion/index.ts'
import { sourceSuite } from '../../../conformance/source.suite.ts'
import { startFakeNotion } from '../../../helpers/fake-apis/notion.ts'

const TOKEN = 'ntn_conformance_0123456789'
const api = startFakeNotion({ token: TOKEN })
afterAll(() => api.stop())
const ws = api.workspace
const config = {
  base_url: api.baseUrl,
  authentication: { type: 'api_key', params: { token: TOKEN } },
  page_size: 2,
  rate_limit: 1000,
  database_ids: ['db-tasks', 'db-notes'],
  page_ids: ['page-home', 'page-about'],
}
const pagesOf = (...ds: string[]) => ds.flatMap((id) => ws.pagesOf(id).map((p) => p['id']))

const expected: Record<string, string[] | undefined> = {
  users: ws.users.map((u) => u['id']),
  databases: ['db-tasks', 'db-notes'],
  data_sources: ['ds-tasks', 'ds-archive', 'ds-notes'],
  pages: [...pagesOf('ds-tasks', 'ds-archive', 'ds-notes'), 'page-home', 'page-about'],
  all_pages: [...ws.pages.keys()],
  all_databases: ['db-tasks', 'db-notes', 'db-inline'],
  all_data_sources: [...ws.dataSources.keys()],
  // Block ids are checked in blocks.test.ts; here: they end, resume and are valid records.
  blocks: undefined,
  blocks_markdown: undefined,
  all_blocks_markdown: undefined,
}

for (const [stream, ids] of Object.entries(expected))
  sourceSuite(`notion (${stream})`, { decl, config, stream, ...(ids && { expect: { ids } }) })

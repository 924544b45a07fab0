import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import decl from '../../../../connectors/sources/notion/index.ts'
import { drain } from '../../../helpers/fake-apis/drive.ts'
import { notionOpener, startFakeNotion } from '../../../helpers/fake-apis/notion.ts'
import { at } from '../../../helpers/fake-apis/notion-workspace.ts'

const TOKEN = 'ntn_incremental_0123456789'
const api = startFakeNotion({ token: TOKEN })
afterAll(() => api.stop())
const LAST_RUN = new Date(at(500))
const incremental = { lastRun: LAST_RUN, state: undefined, cursorField: 'last_edited_time' }
const open = notionOpener(
  api,
  TOKEN,
  { page_size: 2, database_ids: ['db-tasks'], page_ids: ['page-home', 'page-about'] },
  'incremental',
)
const read = async (stream: string, extra: Record<string, unknown> = {}) =>
  drain(await open(stream, extra), stream, {}, incremental)

beforeAll(() => {
  // Edited after the last run: two task pages, a note and the about page.
  api.touch('tasks-3', at(600))
  api.touch('archive-1', at(601))
  api.touch('notes-2', at(602))
  api.touch('page-about', at(603))
})

describe('notion incremental (edited after the last run)', () => {
  test('pages: the configured databases queried with last_edited_time after, then configured pages edited since', async () => {
    const result = await read('pages', {
      database_filters: { 'db-tasks': { property: 'Status', select: { equals: 'Done' } } },
    })
    expect(result.ids).toEqual(['tasks-3', 'archive-1', 'page-about'])
    const query = api.requests.filter((r) => r.path === '/v1/data_sources/ds-tasks/query').at(-1)!
    expect(JSON.parse(query.body).filter).toEqual({
      and: [
        { timestamp: 'last_edited_time', last_edited_time: { after: LAST_RUN.toISOString() } },
        { property: 'Status', select: { equals: 'Done' } },
      ],
    })
  })

  test('all_pages: newest first from the search, stopping at the first page older than the last run', async () => {
    const before = api.count('/v1/search')
    const result = await read('all_pages')
    expect(result.ids).toEqual(['page-about', 'notes-2', 'archive-1', 'tasks-3'])
    // 4 newer pages in pages of 2: the third search page starts with an older one and ends the read.
    expect(api.count('/v1/search') - before).toBe(3)
    const body = JSON.parse(api.requests.filter((r) => r.path === '/v1/search').at(-1)!.body)
    expect(body.sort).toEqual({ timestamp: 'last_edited_time', direction: 'descending' })
  })

  test('databases: configured databases whose data sources changed; all_databases: every such database', async () => {
    expect((await read('databases')).ids).toEqual(['db-tasks'])
    expect((await read('all_databases')).ids).toEqual(['db-notes', 'db-tasks'])
  })

  test('blocks_markdown and blocks: blocks of the pages edited since', async () => {
    const pages = async (stream: string) => [
      ...new Set((await read(stream)).records.map((r) => r['source_page_id'])),
    ]
    expect(await pages('blocks_markdown')).toEqual(['page-about', 'tasks-3', 'archive-1'])
    expect(await pages('blocks')).toEqual(['page-about', 'tasks-3', 'archive-1'])
    expect(await pages('all_blocks_markdown')).toEqual(['page-about', 'notes-2', 'archive-1', 'tasks-3'])
  })

  test('the first incremental run (no last run) reads everything', async () => {
    const result = await drain(await open('pages'), 'pages')
    expect(result.ids).toHaveLength(12)
  })

  test('users, data_sources and all_data_sources do not declare incremental', () => {
    const incrementalStreams = Object.entries(decl.streams)
      .filter(([, info]) => info.incremental)
      .map(([name]) => name)
    expect(incrementalStreams).toEqual([
      'databases',
      'pages',
      'blocks',
      'blocks_markdown',
      'all_pages',
      'all_databases',
      'all_blocks_markdown',
    ])
  })
})

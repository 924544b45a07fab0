import { afterAll, describe, expect, test } from 'bun:test'
import { drain, type Logged } from '../../../helpers/fake-apis/drive.ts'
import { notionOpener, startFakeNotion } from '../../../helpers/fake-apis/notion.ts'

const TOKEN = 'ntn_streams_0123456789'
const api = startFakeNotion({ token: TOKEN })
afterAll(() => api.stop())
const open = notionOpener(api, TOKEN, { page_size: 3 })

describe('notion streams', () => {
  test('every request carries the token and Notion-Version 2025-09-03', async () => {
    await drain(await open('users'), 'users')
    const last = api.requests.at(-1)!
    expect(last.headers['notion-version']).toBe('2025-09-03')
    expect(last.headers['authorization']).toBe(`Bearer ${TOKEN}`)
    expect(last.query).toEqual({ page_size: '3', start_cursor: expect.any(String) })
  })

  test('data_sources carry their parent database id and title', async () => {
    const result = await drain(await open('data_sources', { database_ids: ['db-notes'] }), 'data_sources')
    expect(result.records).toEqual([
      { id: 'ds-notes', name: 'Notes', parent_database_id: 'db-notes', parent_database_title: 'Notes' },
    ])
  })

  test('a database that is not shared is skipped with a warning; the others are read', async () => {
    const logs: Logged[] = []
    const result = await drain(
      await open('databases', { database_ids: ['db-gone', 'db-notes'] }, logs),
      'databases',
    )
    expect(result.ids).toEqual(['db-notes'])
    expect(logs.filter((l) => l.level === 'warn').map((l) => l.message)).toEqual([
      'Source "notion" skipped database db-gone: not found (deleted, or not shared with the integration).',
    ])
  })

  test('pages: one query page per iteration, the reference pagination keys, database_filters applied', async () => {
    const source = await open('pages', {
      database_ids: ['db-tasks'],
      page_ids: ['page-home'],
      database_filters: { 'db-tasks': { property: 'Status', select: { equals: 'Todo' } } },
    })
    const result = await drain(source, 'pages')
    expect(result.ids).toEqual(['tasks-2', 'tasks-4', 'tasks-6', 'archive-2', 'page-home'])
    expect(result.paginations[0]).toEqual({
      remaining_data_sources: [{ id: 'ds-archive', database_id: 'db-tasks' }],
      current_data_source: null,
      data_source_cursor: null,
      remaining_page_ids: ['page-home'],
      data_sources_loaded: true,
    })
    const query = api.requests.find((r) => r.path === '/v1/data_sources/ds-tasks/query')!
    expect(JSON.parse(query.body)).toEqual({
      page_size: 3,
      filter: { property: 'Status', select: { equals: 'Todo' } },
    })
  })

  test('records carry last_edited_time as their timestamp', async () => {
    const page = await (await open('pages', { page_ids: ['page-about'] })).read({
      stream: 'pages',
      pagination: {},
    })
    expect(page.records[0]!.timestamp).toEqual(
      new Date(api.workspace.pages.get('page-about')!['last_edited_time']),
    )
  })

  test('all_databases reads each parent database once', async () => {
    const result = await drain(await open('all_databases', { page_size: 1 }), 'all_databases')
    expect(result.ids).toEqual(['db-tasks', 'db-notes', 'db-inline'])
    // Before the last search page (ds-inline): the databases already read are remembered.
    expect(result.paginations.at(-1)).toEqual({
      start_cursor: expect.any(String),
      seen_database_ids: ['db-tasks', 'db-notes'],
    })
  })

  test('no database_ids or page_ids: nothing to read, said once', async () => {
    const logs: Logged[] = []
    const result = await drain(await open('pages', {}, logs), 'pages')
    expect(result.ids).toEqual([])
    expect(logs.filter((l) => l.level === 'warn').map((l) => l.message)).toEqual([
      'Source "notion": no database_ids or page_ids configured, nothing to read.',
    ])
  })
})

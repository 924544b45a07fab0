import { afterAll, describe, expect, test } from 'bun:test'
import { drain, type Logged } from '../../../helpers/fake-apis/drive.ts'
import { notionOpener, startFakeNotion } from '../../../helpers/fake-apis/notion.ts'

const TOKEN = 'ntn_blocks_0123456789'
const api = startFakeNotion({ token: TOKEN })
afterAll(() => api.stop())
const open = notionOpener(api, TOKEN, { page_size: 2 })
const pick = (records: Record<string, unknown>[], ...keys: string[]) =>
  records.map((r) => Object.fromEntries(keys.map((k) => [k, r[k]])))

describe('notion blocks', () => {
  test('blocks_markdown: every block of a page as markdown, depth first, with depth and order', async () => {
    const logs: Logged[] = []
    const result = await drain(
      await open('blocks_markdown', { page_ids: ['page-home'] }, logs),
      'blocks_markdown',
    )
    expect(pick(result.records, 'depth', 'block_order', 'block_type', 'markdown')).toEqual([
      { depth: 0, block_order: 0, block_type: 'heading_1', markdown: '# Home' },
      {
        depth: 0,
        block_order: 1,
        block_type: 'paragraph',
        markdown: 'Hello **world** see [docs](https://example.com/docs) and `x`',
      },
      { depth: 0, block_order: 2, block_type: 'bulleted_list_item', markdown: '- Level 1' },
      { depth: 1, block_order: 0, block_type: 'paragraph', markdown: 'Level 2' },
      { depth: 2, block_order: 0, block_type: 'paragraph', markdown: 'Level 3' },
      { depth: 3, block_order: 0, block_type: 'paragraph', markdown: 'Level 4' },
      { depth: 0, block_order: 3, block_type: 'child_database', markdown: '[Child database: Inline]' },
      { depth: 0, block_order: 4, block_type: 'child_page', markdown: '[Child page: About]' },
      { depth: 0, block_order: 5, block_type: 'synced_block', markdown: '' },
      { depth: 0, block_order: 6, block_type: 'code', markdown: '```typescript\nconst a = 1\n```' },
      { depth: 0, block_order: 7, block_type: 'callout', markdown: '> 💡 Tip' },
      { depth: 0, block_order: 8, block_type: 'image', markdown: '![A](https://example.com/a.png)' },
      { depth: 0, block_order: 9, block_type: 'table', markdown: '' },
      { depth: 1, block_order: 0, block_type: 'table_row', markdown: '| a | b |' },
      { depth: 1, block_order: 1, block_type: 'table_row', markdown: '| 1 | *2* |' },
      {
        depth: 0,
        block_order: 10,
        block_type: 'breadcrumb',
        markdown: '[Unsupported block type: breadcrumb]',
      },
    ])
    const level2 = result.records[3]!
    expect(level2).toMatchObject({
      parent_block_id: result.records[2]!['block_id'],
      parent_input_page_id: 'page-home',
      parent_input_database_id: null,
      source_page_id: 'page-home',
      page_order: 0,
      block_raw: expect.objectContaining({ type: 'paragraph', id: level2['block_id'] }),
    })
    // The synced block's original is not shared: its children are skipped with a warning.
    expect(logs.filter((l) => l.level === 'warn').map((l) => l.message)).toEqual([
      expect.stringMatching(/^Source "notion" skipped the children of block blk-\d+: not found/),
    ])
  })

  test('max_recursion_depth and fetch_blocks_recursively limit how deep blocks are read', async () => {
    const depths = async (extra: Record<string, unknown>) =>
      (
        await drain(await open('blocks_markdown', { page_ids: ['page-home'], ...extra }), 'blocks_markdown')
      ).records
        .map((r) => r['depth'])
        .filter((d) => d !== 0)
    expect(await depths({ max_recursion_depth: 2 })).toEqual([1, 1, 1])
    expect(await depths({ fetch_blocks_recursively: false })).toEqual([])
  })

  test('blocks descends into inline databases, not into child pages', async () => {
    const result = await drain(await open('blocks', { page_ids: ['page-home'] }), 'blocks')
    const sources = [...new Set(result.records.map((r) => r['source_page_id']))]
    expect(sources).toEqual(['page-home', 'inline-1', 'inline-2'])
    const inline = result.records.find((r) => r['source_page_id'] === 'inline-1')!
    expect(inline).toMatchObject({ depth: 1, parent_block_id: 'inline-1', parent_input_page_id: 'page-home' })
    expect(result.records.some((r) => r['source_page_id'] === 'page-about')).toBe(false)
  })

  test('database pages come after configured pages, max_workers pages per iteration, filtered per database', async () => {
    const result = await drain(
      await open('blocks', {
        page_ids: ['page-about'],
        database_ids: ['db-tasks'],
        max_workers: 4,
        database_filters: { 'db-tasks': { property: 'Status', select: { equals: 'Done' } } },
      }),
      'blocks',
    )
    const order = [...new Set(result.records.map((r) => `${r['page_order']}:${r['source_page_id']}`))]
    expect(order).toEqual([
      '0:page-about',
      '1:tasks-1',
      '2:tasks-3',
      '3:tasks-5',
      '4:tasks-7',
      '5:archive-1',
      '6:archive-3',
    ])
    expect(result.pages).toBe(2) // 7 pages, 4 per iteration
    expect(result.records.find((r) => r['source_page_id'] === 'tasks-1')!['parent_input_database_id']).toBe(
      'db-tasks',
    )
  })
})

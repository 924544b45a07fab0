/** blocks / blocks_markdown / all_blocks_markdown: pages to read, then their blocks read recursively with lineage. */
import type { Page, Pagination, SourceRecord } from '../../../src/index.ts'
import { type NotionObject, unlessNotFound } from './api.ts'
import { type DataSourceRef, dataSourcesOf, type Env, record } from './lists.ts'
import { toMarkdown } from './markdown.ts'

/** A page whose blocks are read, and where it came from. */
export interface Item {
  page_id: string
  database_id: string | null
  input_page_id: string | null
  page_order: number
}

export interface BlocksOptions {
  markdown: boolean
  /** `blocks` descends into inline databases; the markdown streams do not. */
  inlineDatabases: boolean
  /** The pages to read, computed on the first iteration. */
  collect: () => Promise<Item[]>
}

interface Lineage {
  parent_input_database_id: string | null
  parent_input_page_id: string | null
  source_page_id: string
  page_order: number
}

/** Every page of one data source (all query pages), with the configured filter if any. */
export async function queryAll(env: Env, ds: DataSourceRef, filter?: unknown): Promise<NotionObject[]> {
  const pages: NotionObject[] = []
  let cursor: string | undefined
  do {
    const list = await unlessNotFound(env.api.logger, `data source ${ds.id}`, () =>
      env.api.query(ds.id, env.config.page_size, cursor, filter),
    )
    if (!list) break
    pages.push(...list.results)
    cursor = list.has_more ? list.next_cursor! : undefined
  } while (cursor)
  return pages
}

/** The configured pages, then the pages of the configured databases (filtered per database). */
export async function configuredItems(
  env: Env,
  filterFor = (databaseId: string) => env.config.database_filters[databaseId] as unknown,
) {
  const items: Omit<Item, 'page_order'>[] = env.config.page_ids.map((id) => ({
    page_id: id,
    database_id: null,
    input_page_id: id,
  }))
  for (const ds of await dataSourcesOf(env, env.config.database_ids))
    for (const page of await queryAll(env, ds, filterFor(ds.database_id!)))
      items.push({ page_id: page['id'], database_id: ds.database_id, input_page_id: null })
  return numbered(items)
}

export function numbered(items: Omit<Item, 'page_order'>[]): Item[] {
  return items.map((item, page_order) => ({ ...item, page_order }))
}

export async function readBlocks(env: Env, pagination: Pagination, options: BlocksOptions): Promise<Page> {
  const items = pagination['items_loaded']
    ? (pagination['items_to_process'] as Item[])
    : await options.collect()
  if (items.length === 0) return { records: [], next: null }
  const batch = items.slice(0, env.config.max_workers)
  const rest = items.slice(batch.length)
  const blocks = await Promise.all(
    batch.map((item) =>
      walk(env, options, item.page_id, 0, {
        parent_input_database_id: item.database_id,
        parent_input_page_id: item.input_page_id,
        source_page_id: item.page_id,
        page_order: item.page_order,
      }),
    ),
  )
  const records = blocks.flat().map((block) => (options.markdown ? markdownRecord(block) : record(block)))
  return { records, next: rest.length ? { items_to_process: rest, items_loaded: true } : null }
}

/** The blocks under `blockId`, depth first, each followed by its descendants. */
async function walk(env: Env, options: BlocksOptions, blockId: string, depth: number, lineage: Lineage) {
  const { api, config } = env
  const out: NotionObject[] = []
  let cursor: string | undefined
  let order = 0
  do {
    // A synced block whose original is not shared answers 404: skip it, keep the rest of the page.
    const list = await unlessNotFound(api.logger, `the children of block ${blockId}`, () =>
      api.children(blockId, config.page_size, cursor),
    )
    if (!list) break
    for (const block of list.results) {
      out.push({ ...block, ...lineage, parent_block_id: blockId, depth, block_order: order++ })
      const deeper = config.fetch_blocks_recursively && depth + 1 < config.max_recursion_depth
      if (!deeper) continue
      if (block['type'] === 'child_database') {
        if (options.inlineDatabases)
          out.push(...(await inlineDatabase(env, options, block['id'], depth, lineage)))
      } else if (block['type'] !== 'child_page' && block['has_children'])
        out.push(...(await walk(env, options, block['id'], depth + 1, lineage)))
    }
    cursor = list.has_more ? list.next_cursor! : undefined
  } while (cursor)
  return out
}

/** The blocks of every page of an inline database, one level further down. */
async function inlineDatabase(env: Env, options: BlocksOptions, id: string, depth: number, lineage: Lineage) {
  const out: NotionObject[] = []
  for (const ds of await dataSourcesOf(env, [id]))
    for (const page of await queryAll(env, ds))
      out.push(
        ...(await walk(env, options, page['id'], depth + 1, { ...lineage, source_page_id: page['id'] })),
      )
  return out
}

function markdownRecord(block: NotionObject): SourceRecord {
  const {
    parent_block_id,
    parent_input_database_id,
    parent_input_page_id,
    source_page_id,
    depth,
    block_order,
    page_order,
    ...raw
  } = block
  return record(block, {
    block_id: block['id'],
    block_type: block['type'],
    markdown: toMarkdown(raw),
    parent_block_id,
    parent_input_database_id,
    parent_input_page_id,
    source_page_id,
    depth,
    block_order,
    page_order,
    block_raw: raw,
  })
}

/** Incremental reads of notion: what was edited after the watermark (the start of the last succeeded run). */
import type { Page, Pagination } from '../../../src/index.ts'
import { type NotionObject, unlessNotFound } from './api.ts'
import { configuredItems, type Item, numbered } from './blocks.ts'
import { type Env, isNewer, parentDatabases, record, sinceFilter } from './lists.ts'

const cursorOf = (pagination: Pagination) =>
  typeof pagination['start_cursor'] === 'string' ? pagination['start_cursor'] : undefined

/** One search page, newest first: the items edited after `since`, and whether older ones were reached. */
async function searchNewer(env: Env, object: 'page' | 'data_source', since: string, cursor?: string) {
  const list = await env.api.search(object, env.config.page_size, cursor, true)
  const typed = list.results.filter((item) => item['object'] === object)
  const newer = typed.filter((item) => isNewer(item, since))
  // Sorted newest first: the first older item means every later one is older too.
  const done = newer.length < typed.length || !list.has_more
  return { newer, next: done ? undefined : list.next_cursor! }
}

/** all_pages: searched pages edited after `since`. */
export async function readNewerPages(env: Env, pagination: Pagination, since: string): Promise<Page> {
  const { newer, next } = await searchNewer(env, 'page', since, cursorOf(pagination))
  return { records: newer.map((p) => record(p)), next: next ? { start_cursor: next } : null }
}

/** databases / all_databases: parents of the data sources edited after `since` (only configured ones if `only`). */
export async function readNewerDatabases(
  env: Env,
  pagination: Pagination,
  since: string,
  only?: string[],
): Promise<Page> {
  const seen = new Set(
    Array.isArray(pagination['seen_database_ids']) ? pagination['seen_database_ids'].map(String) : [],
  )
  const { newer, next } = await searchNewer(env, 'data_source', since, cursorOf(pagination))
  const wanted = only ? newer.filter((ds) => only.includes(ds['parent']?.['database_id'])) : newer
  const records = await parentDatabases(env, wanted, seen)
  return { records, next: next ? { start_cursor: next, seen_database_ids: [...seen] } : null }
}

/** all_blocks_markdown: every searched page edited after `since`. */
export async function newerSearchedItems(env: Env, since: string): Promise<Item[]> {
  const pages: NotionObject[] = []
  let cursor: string | undefined
  do {
    const { newer, next } = await searchNewer(env, 'page', since, cursor)
    pages.push(...newer)
    cursor = next
  } while (cursor)
  return numbered(
    pages.map((p) => ({
      page_id: p['id'],
      database_id: p['parent']?.['database_id'] ?? null,
      input_page_id: null,
    })),
  )
}

/** blocks / blocks_markdown: configured pages edited after `since`, and the configured databases' pages edited after it. */
export async function newerConfiguredItems(env: Env, since: string): Promise<Item[]> {
  const fromDatabases = await configuredItems(
    { ...env, config: { ...env.config, page_ids: [] } },
    (databaseId) => sinceFilter(since, env.config.database_filters[databaseId]),
  )
  const pages: Omit<Item, 'page_order'>[] = []
  for (const id of env.config.page_ids) {
    const page = await unlessNotFound(env.api.logger, `page ${id}`, () => env.api.page(id))
    if (page && isNewer(page, since)) pages.push({ page_id: id, database_id: null, input_page_id: id })
  }
  return numbered([...pages, ...fromDatabases])
}

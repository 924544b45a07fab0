/** Notion streams that list objects: users, databases, data sources, pages, and the search-based all_* streams. */
import type { Page, Pagination, SourceRecord } from '../../../src/index.ts'
import { editedAt, type NotionApi, type NotionObject, plainText, unlessNotFound } from './api.ts'
import type { NotionConfig } from './index.ts'

export interface Env {
  api: NotionApi
  config: NotionConfig
}

/** A data source to query, with the configured database it came from (for `database_filters`). */
export interface DataSourceRef {
  id: string
  database_id: string | null
}

export const record = (item: NotionObject, data: NotionObject = item): SourceRecord => {
  const timestamp = editedAt(item)
  return { id: item['id'], data, ...(timestamp && { timestamp }) }
}
const cursorOf = (pagination: Pagination) =>
  typeof pagination['start_cursor'] === 'string' ? pagination['start_cursor'] : undefined
const strings = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : [])

export async function readUsers({ api, config }: Env, pagination: Pagination): Promise<Page> {
  const list = await api.users(config.page_size, cursorOf(pagination))
  return {
    records: list.results.map((u) => record(u)),
    next: list.has_more ? { start_cursor: list.next_cursor } : null,
  }
}

/** databases / data_sources: one configured database per iteration. */
export async function readDatabases(env: Env, pagination: Pagination, dataSources: boolean): Promise<Page> {
  const remaining =
    'remaining_ids' in pagination ? strings(pagination['remaining_ids']) : [...env.config.database_ids]
  if (remaining.length === 0) {
    env.api.logger.warn('Source "notion": no database_ids configured, nothing to read.')
    return { records: [], next: null }
  }
  const [id, ...rest] = remaining
  const database = await unlessNotFound(env.api.logger, `database ${id}`, () => env.api.database(id!))
  const records = !database
    ? []
    : dataSources
      ? (database['data_sources'] ?? []).map((ds: NotionObject) =>
          record(ds, { ...ds, parent_database_id: id, parent_database_title: plainText(database['title']) }),
        )
      : [record(database)]
  return { records, next: rest.length ? { remaining_ids: rest } : null }
}

/** The data sources of the configured databases (one request per database). */
export async function dataSourcesOf(env: Env, databaseIds: string[]): Promise<DataSourceRef[]> {
  const refs: DataSourceRef[] = []
  for (const id of databaseIds) {
    const database = await unlessNotFound(env.api.logger, `database ${id}`, () => env.api.database(id))
    for (const ds of database?.['data_sources'] ?? []) refs.push({ id: ds.id, database_id: id })
  }
  return refs
}

/** `{timestamp: last_edited_time, after}` AND the configured filter; the configured one alone without `since`. */
export function sinceFilter(since: string | undefined, configured: unknown): unknown {
  if (!since) return configured
  const edited = { timestamp: 'last_edited_time', last_edited_time: { after: since } }
  return configured ? { and: [edited, configured] } : edited
}

export const isNewer = (item: NotionObject, since: string | undefined) =>
  !since || String(item['last_edited_time'] ?? '') > since

/**
 * pages: every page of the configured databases (one query page per iteration), then each
 * configured page; with `since` (incremental) only the pages edited after it. Pagination keys are
 * the reference's, so the shape stays familiar.
 */
export async function readPages(env: Env, pagination: Pagination, since?: string): Promise<Page> {
  const { api, config } = env
  let dataSources = (pagination['remaining_data_sources'] as DataSourceRef[] | undefined) ?? []
  let current = (pagination['current_data_source'] as DataSourceRef | null | undefined) ?? null
  let cursor = (pagination['data_source_cursor'] as string | null | undefined) ?? undefined
  let pageIds =
    'remaining_page_ids' in pagination ? strings(pagination['remaining_page_ids']) : [...config.page_ids]
  if (!pagination['data_sources_loaded']) dataSources = await dataSourcesOf(env, config.database_ids)
  if (!current && dataSources.length === 0 && pageIds.length === 0) {
    if (!config.database_ids.length && !config.page_ids.length)
      api.logger.warn('Source "notion": no database_ids or page_ids configured, nothing to read.')
    return { records: [], next: null }
  }

  const records: SourceRecord[] = []
  if (current || dataSources.length) {
    if (!current) [current, ...dataSources] = dataSources as [DataSourceRef, ...DataSourceRef[]]
    const filter = sinceFilter(
      since,
      current.database_id ? config.database_filters[current.database_id] : undefined,
    )
    const ds = current
    const list = await unlessNotFound(api.logger, `data source ${ds.id}`, () =>
      api.query(ds.id, config.page_size, cursor, filter),
    )
    records.push(...(list?.results ?? []).map((p) => record(p)))
    if (list?.has_more) cursor = list.next_cursor!
    else [current, cursor] = [null, undefined]
  } else {
    const [id, ...rest] = pageIds
    pageIds = rest
    const page = await unlessNotFound(api.logger, `page ${id}`, () => api.page(id!))
    if (page && isNewer(page, since)) records.push(record(page))
  }
  const more = current !== null || dataSources.length > 0 || pageIds.length > 0
  return {
    records,
    next: more
      ? {
          remaining_data_sources: dataSources,
          current_data_source: current,
          data_source_cursor: cursor ?? null,
          remaining_page_ids: pageIds,
          data_sources_loaded: true,
        }
      : null,
  }
}

/** all_pages / all_data_sources: one search page per iteration, kept to the object type asked for. */
export async function readSearch(
  env: Env,
  pagination: Pagination,
  object: 'page' | 'data_source',
): Promise<Page> {
  const list = await env.api.search(object, env.config.page_size, cursorOf(pagination))
  return {
    records: list.results.filter((item) => item['object'] === object).map((item) => record(item)),
    next: list.has_more ? { start_cursor: list.next_cursor } : null,
  }
}

/** Parent databases of data sources not seen before; `seen` is updated. */
export async function parentDatabases(env: Env, dataSources: NotionObject[], seen: Set<string>) {
  const records: SourceRecord[] = []
  for (const ds of dataSources) {
    const id = ds['parent']?.['database_id']
    if (typeof id !== 'string' || seen.has(id)) continue
    seen.add(id)
    const database = await unlessNotFound(env.api.logger, `database ${id}`, () => env.api.database(id))
    if (database) records.push(record(database))
  }
  return records
}

/** all_databases: the parent databases of every searched data source, each once. */
export async function readAllDatabases(env: Env, pagination: Pagination): Promise<Page> {
  const seen = new Set(strings(pagination['seen_database_ids']))
  const list = await env.api.search('data_source', env.config.page_size, cursorOf(pagination))
  const found = list.results.filter((item) => item['object'] === 'data_source')
  const records = await parentDatabases(env, found, seen)
  return {
    records,
    next: list.has_more ? { start_cursor: list.next_cursor, seen_database_ids: [...seen] } : null,
  }
}

/** The `notion` source: picks the reader of the configured stream, incremental or not. */
import { probe } from '../../../src/http/probe.ts'
import type { Page, Pagination, Source, SourceContext } from '../../../src/index.ts'
import { NotionApi } from './api.ts'
import { type BlocksOptions, configuredItems, numbered, readBlocks } from './blocks.ts'
import {
  newerConfiguredItems,
  newerSearchedItems,
  readNewerDatabases,
  readNewerPages,
} from './incremental.ts'
import type { NotionConfig } from './index.ts'
import { type Env, readAllDatabases, readDatabases, readPages, readSearch, readUsers } from './lists.ts'

type Reader = (env: Env, pagination: Pagination, since?: string) => Promise<Page>

/** Every page shared with the integration, from the search (all its pages). */
async function searchedItems(env: Env) {
  const ids: { page_id: string; database_id: string | null; input_page_id: null }[] = []
  let cursor: string | undefined
  do {
    const page = await readSearch(env, cursor ? { start_cursor: cursor } : {}, 'page')
    for (const r of page.records)
      ids.push({
        page_id: String(r.id),
        database_id: (r.data['parent'] as any)?.database_id ?? null,
        input_page_id: null,
      })
    cursor = page.next?.['start_cursor'] as string | undefined
  } while (cursor)
  return numbered(ids)
}

const blocks =
  (
    markdown: boolean,
    full: (env: Env) => BlocksOptions['collect'],
    newer: (env: Env, since: string) => ReturnType<BlocksOptions['collect']>,
  ): Reader =>
  (env, pagination, since) =>
    readBlocks(env, pagination, {
      markdown,
      inlineDatabases: !markdown,
      collect: since ? () => newer(env, since) : full(env),
    })

const READERS: Record<string, Reader> = {
  users: (env, p) => readUsers(env, p),
  databases: (env, p, since) =>
    since ? readNewerDatabases(env, p, since, env.config.database_ids) : readDatabases(env, p, false),
  data_sources: (env, p) => readDatabases(env, p, true),
  pages: readPages,
  blocks: blocks(false, (env) => () => configuredItems(env), newerConfiguredItems),
  blocks_markdown: blocks(true, (env) => () => configuredItems(env), newerConfiguredItems),
  all_pages: (env, p, since) => (since ? readNewerPages(env, p, since) : readSearch(env, p, 'page')),
  all_databases: (env, p, since) => (since ? readNewerDatabases(env, p, since) : readAllDatabases(env, p)),
  all_data_sources: (env, p) => readSearch(env, p, 'data_source'),
  all_blocks_markdown: blocks(true, (env) => () => searchedItems(env), newerSearchedItems),
}

export function createNotionSource(config: NotionConfig & { stream: string }, ctx: SourceContext): Source {
  const api = new NotionApi(config, ctx)
  const env: Env = { api, config }
  return {
    check: () => probe(() => api.users(1)),
    async read({ stream, pagination, incremental }) {
      const reader = READERS[stream]
      if (!reader) throw new Error(`Source "notion" has no stream "${stream}".`)
      // Notion timestamps are ISO strings in UTC: compared as text with the watermark.
      return reader(env, pagination, incremental ? incremental.lastRun.toISOString() : undefined)
    },
  }
}

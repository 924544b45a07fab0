/**
 * A local Notion API (version 2025-09-03): users, databases holding data sources, data source queries
 * with filters, pages, block children, search; cursor pagination, the version header and the
 * documented error bodies (401 unauthorized, 404 object_not_found, 400 validation_error).
 */

import decl from '../../../connectors/sources/notion/index.ts'
import type { Source, SyncMode } from '../../../src/index.ts'
import { type Logged, openSource } from './drive.ts'
import { makeWorkspace, type NotionObject, type Workspace } from './notion-workspace.ts'
import { type FakeServer, json, serveFake } from './server.ts'

export type { NotionObject, Workspace } from './notion-workspace.ts'

export interface FakeNotion extends FakeServer {
  /** Value for `source.base_url`. */
  baseUrl: string
  workspace: Workspace
  /** Marks a page (and its data source) edited at `at`. */
  touch(pageId: string, at: string): void
}

const error = (status: number, code: string, message: string) =>
  json({ object: 'error', status, code, message, request_id: crypto.randomUUID() }, { status })

const notFound = (kind: string, id: string) =>
  error(
    404,
    'object_not_found',
    `Could not find ${kind} with ID: ${id}. Make sure the relevant pages and databases are shared with your integration.`,
  )

/** Notion cursors are opaque: here the offset, encoded. */
function paginate(items: NotionObject[], pageSize: unknown, cursor: unknown, type: string) {
  const size = Math.min(Number(pageSize ?? 100), 100)
  const start = typeof cursor === 'string' && cursor ? Number(atob(cursor)) : 0
  const end = start + size
  return {
    object: 'list',
    results: items.slice(start, end),
    next_cursor: end < items.length ? btoa(String(end)) : null,
    has_more: end < items.length,
    type,
    [type]: {},
    request_id: crypto.randomUUID(),
  }
}

/** The subset of Notion filters the tests use: timestamp, select/checkbox equals, and/or. */
function matches(page: NotionObject, filter: any): boolean {
  if (!filter) return true
  if (filter.and) return filter.and.every((f: unknown) => matches(page, f))
  if (filter.or) return filter.or.some((f: unknown) => matches(page, f))
  if (filter.timestamp === 'last_edited_time') {
    const cond = filter.last_edited_time ?? {}
    const at = Date.parse(page['last_edited_time'])
    if (cond.after) return at > Date.parse(cond.after)
    if (cond.on_or_after) return at >= Date.parse(cond.on_or_after)
    return true
  }
  const property = page['properties']?.[filter.property]
  if (filter.select) return property?.select?.name === filter.select.equals
  if (filter.checkbox) return property?.checkbox === filter.checkbox.equals
  throw new Error(`fake notion: unsupported filter ${JSON.stringify(filter)}`)
}

export function startFakeNotion(options: { token: string; workspace?: Workspace }): FakeNotion {
  const ws = options.workspace ?? makeWorkspace()

  function route(req: Request, url: URL, body: any): Response {
    const [, resource, id, sub] = url.pathname.replace(/^\/v1/, '').split('/')
    const q = Object.fromEntries(url.searchParams)
    const call = `${req.method} ${resource}${id ? '/:id' : ''}${sub ? `/${sub}` : ''}`
    switch (call) {
      case 'GET users':
        return json(paginate(ws.users, q['page_size'], q['start_cursor'], 'user'))
      case 'GET databases/:id':
        return ws.databases.has(id!) ? json(ws.databases.get(id!)) : notFound('database', id!)
      case 'GET pages/:id':
        return ws.pages.has(id!) ? json(ws.pages.get(id!)) : notFound('page', id!)
      case 'POST data_sources/:id/query': {
        if (!ws.dataSources.has(id!)) return notFound('data_source', id!)
        const pages = ws.pagesOf(id!).filter((p) => matches(p, body.filter))
        return json(paginate(pages, body.page_size, body.start_cursor, 'page_or_data_source'))
      }
      case 'GET blocks/:id/children': {
        const children = ws.children.get(id!)
        return children
          ? json(paginate(children, q['page_size'], q['start_cursor'], 'block'))
          : notFound('block', id!)
      }
      case 'POST search': {
        const value = body.filter?.value
        if (value && value !== 'page' && value !== 'data_source')
          return error(
            400,
            'validation_error',
            'body failed validation: body.filter.value should be `page` or `data_source`.',
          )
        let found = [...ws.pages.values(), ...ws.dataSources.values()].filter(
          (o) => !value || o['object'] === value,
        )
        if (body.sort?.timestamp === 'last_edited_time') {
          const sign = body.sort.direction === 'ascending' ? 1 : -1
          found = found.sort(
            (a, b) => sign * (Date.parse(a['last_edited_time']) - Date.parse(b['last_edited_time'])),
          )
        }
        return json(paginate(found, body.page_size, body.start_cursor, 'page_or_data_source'))
      }
      default:
        return error(400, 'invalid_request_url', 'Invalid request URL.')
    }
  }

  const server = serveFake((req, url, text) => {
    if (req.headers.get('authorization') !== `Bearer ${options.token}`)
      return error(401, 'unauthorized', 'API token is invalid.')
    const version = req.headers.get('notion-version')
    if (version !== '2025-09-03')
      return error(
        400,
        'missing_version',
        `Notion-Version header failed validation: Notion-Version header should be defined, instead was \`${version}\`.`,
      )
    let body: any = {}
    try {
      body = text ? JSON.parse(text) : {}
    } catch {
      return error(400, 'invalid_json', 'Error parsing JSON body.')
    }
    return route(req, url, body)
  })

  return {
    ...server,
    baseUrl: `${server.origin}/v1`,
    workspace: ws,
    touch(pageId, at) {
      const page = ws.pages.get(pageId)!
      page['last_edited_time'] = at
      const dsId = page['parent']?.['data_source_id']
      if (dsId) ws.dataSources.get(dsId)!['last_edited_time'] = at
    },
  }
}

/** Opens the `notion` source on a fake with its token, no real rate limit and `defaults`; `extra` adds keys per call. */
export function notionOpener(
  api: FakeNotion,
  token: string,
  defaults: Record<string, unknown>,
  syncMode?: SyncMode,
): (stream: string, extra?: Record<string, unknown>, logs?: Logged[]) => Promise<Source> {
  return (stream, extra = {}, logs = []) =>
    openSource(
      decl,
      stream,
      {
        base_url: api.baseUrl,
        authentication: { type: 'api_key', params: { token } },
        rate_limit: 1000,
        ...defaults,
        ...extra,
      },
      { logs, syncMode },
    )
}

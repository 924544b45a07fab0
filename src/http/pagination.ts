/** Pagination styles of REST APIs: where the next page's position goes and how to read it from a response. */
import type { Pagination } from '../plugin/types.ts'
import type { QueryParams } from './client.ts'
import { getPath } from './json-path.ts'

export type PaginationStyle =
  | { type: 'none' }
  | {
      type: 'offset'
      offset_param: string
      limit_param: string
      limit: number
      start: number
      stop_on_empty?: boolean
    }
  | {
      type: 'page'
      page_param: string
      start: number
      size_param?: string
      size?: number
      stop_on_empty?: boolean
    }
  | {
      type: 'cursor'
      cursor_path: string
      cursor_param: string
      has_more_path?: string
      stop_on_empty?: boolean
    }
  | { type: 'link_header'; stop_on_empty?: boolean }
  | { type: 'next_url'; next_url_path: string; stop_on_empty?: boolean }

export interface PageRequest {
  url: string
  params: QueryParams
}

export interface PageResponse {
  body: unknown
  headers: Headers
  /** URL the page was fetched from (relative next URLs resolve against it). */
  url: string
  /** Records on this page. */
  count: number
}

/** The request for the page at `position` (`{}` = the first page). */
export function pageRequest(style: PaginationStyle, position: Pagination, first: PageRequest): PageRequest {
  const params = { ...first.params }
  switch (style.type) {
    case 'offset':
      params[style.offset_param] = Number(position['offset'] ?? style.start)
      params[style.limit_param] = style.limit
      break
    case 'page':
      params[style.page_param] = Number(position['page'] ?? style.start)
      if (style.size_param && style.size) params[style.size_param] = style.size
      break
    case 'cursor':
      if (typeof position['cursor'] === 'string') params[style.cursor_param] = position['cursor']
      break
    case 'link_header':
    case 'next_url':
      // The server's next URL already carries every parameter it needs.
      if (typeof position['url'] === 'string') return { url: position['url'], params: {} }
      break
  }
  return { url: first.url, params }
}

/** The position of the page after this one, or null when this was the last page. */
export function nextPosition(
  style: PaginationStyle,
  position: Pagination,
  page: PageResponse,
): Pagination | null {
  if (style.type === 'none') return null
  if (page.count === 0 && style.stop_on_empty !== false) return null
  switch (style.type) {
    case 'offset': {
      if (page.count < style.limit) return null
      return { offset: Number(position['offset'] ?? style.start) + page.count }
    }
    case 'page': {
      if (style.size && page.count < style.size) return null
      return { page: Number(position['page'] ?? style.start) + 1 }
    }
    case 'cursor': {
      if (style.has_more_path && !getPath(page.body, style.has_more_path)) return null
      const cursor = getPath(page.body, style.cursor_path)
      if (cursor === undefined || cursor === null || cursor === '') return null
      return { cursor: String(cursor) }
    }
    case 'link_header': {
      const next = parseLinkHeader(page.headers.get('link'))['next']
      return next ? { url: new URL(next, page.url).toString() } : null
    }
    case 'next_url': {
      const next = getPath(page.body, style.next_url_path)
      if (typeof next !== 'string' || next === '') return null
      return { url: new URL(next, page.url).toString() }
    }
  }
}

/** RFC 8288 `Link` header → rel → URL (`<https://a/b?page=2>; rel="next", <...>; rel="last"`). */
export function parseLinkHeader(header: string | null | undefined): Record<string, string> {
  const links: Record<string, string> = {}
  if (!header) return links
  for (const part of header.split(/,(?=\s*<)/)) {
    const match = /<([^>]*)>(.*)/.exec(part.trim())
    if (!match) continue
    const rel = /;\s*rel\s*=\s*"?([^";]+)"?/i.exec(match[2]!)
    if (!rel) continue
    for (const name of rel[1]!.trim().split(/\s+/)) links[name.toLowerCase()] = match[1]!
  }
  return links
}

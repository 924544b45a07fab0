/** Notion requests over the shared HTTP client: version header, list envelopes checked, 404 told apart. */
import { BizonError } from '../../../src/errors.ts'
import { clientOptions } from '../../../src/http/config.ts'
import { HttpClient, httpStatus, redactUrl } from '../../../src/http/index.ts'
import type { Logger, SourceContext } from '../../../src/index.ts'
import type { NotionConfig } from './index.ts'

export const NOTION_VERSION = '2025-09-03'

export type NotionObject = Record<string, any>

export interface NotionList {
  results: NotionObject[]
  next_cursor: string | null
  has_more: boolean
}

export class NotionApi {
  private readonly client: HttpClient
  private readonly base: string
  readonly logger: Logger

  constructor(config: NotionConfig, ctx: SourceContext) {
    this.base = config.base_url.replace(/\/+$/, '')
    this.logger = ctx.logger
    const { token, auth_method, auth_header } = config.authentication.params
    this.client = new HttpClient({
      component: 'Source "notion"',
      authentication: { type: 'bearer', params: { token, auth_method, auth_header } },
      headers: { 'Notion-Version': NOTION_VERSION },
      ...clientOptions(config, ctx),
    })
  }

  async object(path: string, action: string): Promise<NotionObject> {
    const response = await this.client.request({ url: `${this.base}${path}`, action })
    const body = response.json()
    if (!body || typeof body !== 'object' || typeof (body as NotionObject)['id'] !== 'string')
      throw malformed(response.url, 'the answer is not a Notion object with an "id"')
    return body as NotionObject
  }

  async list(
    path: string,
    action: string,
    options: {
      method?: 'GET' | 'POST'
      params?: Record<string, string | number | undefined>
      json?: unknown
    },
  ): Promise<NotionList> {
    const response = await this.client.request({ url: `${this.base}${path}`, action, ...options })
    const body = response.json() as NotionList
    if (!body || typeof body !== 'object' || !Array.isArray(body.results))
      throw malformed(response.url, 'the answer has no "results" list')
    if (body.results.some((item) => !item || typeof item !== 'object' || typeof item['id'] !== 'string'))
      throw malformed(response.url, 'a result has no "id"')
    if (body.has_more && typeof body.next_cursor !== 'string')
      throw malformed(response.url, '"has_more" is true but there is no "next_cursor"')
    return body
  }

  database = (id: string) => this.object(`/databases/${id}`, 'read database')
  page = (id: string) => this.object(`/pages/${id}`, 'read page')

  users = (pageSize: number, cursor?: string) =>
    this.list('/users', 'list users with', { params: { page_size: pageSize, start_cursor: cursor } })

  children = (blockId: string, pageSize: number, cursor?: string) =>
    this.list(`/blocks/${blockId}/children`, 'read the children of a block with', {
      params: { page_size: pageSize, start_cursor: cursor },
    })

  query = (dataSourceId: string, pageSize: number, cursor?: string, filter?: unknown) =>
    this.list(`/data_sources/${dataSourceId}/query`, 'query data source with', {
      method: 'POST',
      json: { page_size: pageSize, ...(cursor && { start_cursor: cursor }), ...(filter ? { filter } : {}) },
    })

  search = (object: 'page' | 'data_source', pageSize: number, cursor?: string, newestFirst = false) =>
    this.list('/search', 'search with', {
      method: 'POST',
      json: {
        filter: { property: 'object', value: object },
        page_size: pageSize,
        ...(cursor && { start_cursor: cursor }),
        ...(newestFirst && { sort: { timestamp: 'last_edited_time', direction: 'descending' } }),
      },
    })
}

/** A 404: the object was deleted or is not shared with the integration. */
export function isNotFound(error: unknown): boolean {
  return httpStatus(error) === 404
}

/** Runs `fetch`; a 404 becomes a warning and `undefined`, anything else is thrown. */
export async function unlessNotFound<T>(logger: Logger, what: string, fetch: () => Promise<T>) {
  try {
    return await fetch()
  } catch (error) {
    if (!isNotFound(error)) throw error
    logger.warn(`Source "notion" skipped ${what}: not found (deleted, or not shared with the integration).`)
    return undefined
  }
}

/** Plain text of a rich text array (titles, names). */
export function plainText(richText: unknown): string {
  return Array.isArray(richText) ? richText.map((t) => t?.plain_text ?? '').join('') : ''
}

export function editedAt(item: NotionObject): Date | undefined {
  const at = typeof item['last_edited_time'] === 'string' ? new Date(item['last_edited_time']) : undefined
  return at && !Number.isNaN(at.getTime()) ? at : undefined
}

function malformed(url: string, what: string): BizonError {
  return new BizonError(
    'source',
    `Source "notion" could not read the answer of ${redactUrl(url)}: ${what}. ` +
      'Check source.base_url: it must point at the Notion API root (https://api.notion.com/v1).',
    { path: 'source.base_url' },
  )
}

/** The `gbif` source: offset/limit pages of the occurrence search, capped by GBIF's deep-paging limit. */

import { BizonError } from '../../../src/errors.ts'
import { clientOptions } from '../../../src/http/config.ts'
import { HttpClient, redactUrl } from '../../../src/http/index.ts'
import { probe } from '../../../src/http/probe.ts'
import type { Page, Source, SourceContext } from '../../../src/index.ts'
import type { GbifConfig } from './index.ts'

interface SearchPage {
  count?: number
  endOfRecords?: boolean
  results?: Record<string, unknown>[]
}

export function createGbifSource(config: GbifConfig & { stream: string }, ctx: SourceContext): Source {
  const client = new HttpClient({
    component: 'Source "gbif"',
    ...clientOptions(config, ctx),
  })
  const url = `${config.base_url.replace(/\/+$/, '')}/${config.stream}/search`

  async function search(limit: number, offset: number) {
    const response = await client.request({
      url,
      params: { ...config.params, limit, offset },
      action: `search ${config.stream} with`,
    })
    const body = response.json() as SearchPage
    if (!body || typeof body !== 'object' || !Array.isArray(body.results))
      throw new BizonError(
        'source',
        `Source "gbif" could not read the page ${redactUrl(response.url)}: the answer has no "results" list. ` +
          'Check source.base_url: it must point at the GBIF v1 API root.',
        { path: 'source.base_url' },
      )
    return body
  }

  return {
    check: () => probe(() => search(0, 0)),
    async total() {
      const { count } = await search(0, 0)
      return typeof count === 'number' ? Math.min(count, config.max_records) : null
    },
    async read({ pagination }): Promise<Page> {
      const offset = Number(pagination['offset'] ?? 0)
      const limit = Math.min(config.page_limit, config.max_records - offset)
      if (limit <= 0) return { records: [], next: null }
      const body = await search(limit, offset)
      const records = body.results!.map((data, i) => ({
        id: String(data['key'] ?? data['gbifID'] ?? `${offset}_${i}`),
        data,
      }))
      const more = body.endOfRecords === false && offset + limit < config.max_records
      return { records, next: more ? { offset: offset + limit } : null }
    },
  }
}

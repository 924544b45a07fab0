/** The `pokeapi` source: named-resource lists paged by the API's own `next` URL. */

import { BizonError } from '../../../src/errors.ts'
import { clientOptions } from '../../../src/http/config.ts'
import { HttpClient, redactUrl } from '../../../src/http/index.ts'
import { probe } from '../../../src/http/probe.ts'
import type { Page, Source, SourceContext } from '../../../src/index.ts'
import type { PokeApiConfig } from './index.ts'

interface ListPage {
  count?: number
  next?: string | null
  results?: { name?: unknown; url?: unknown }[]
}

export function createPokeApiSource(config: PokeApiConfig & { stream: string }, ctx: SourceContext): Source {
  const client = new HttpClient({
    component: 'Source "pokeapi"',
    ...clientOptions(config, ctx),
  })
  const first = `${config.base_url.replace(/\/+$/, '')}/${config.stream}`

  async function list(url: string, params: Record<string, number | undefined> = {}) {
    const response = await client.request({
      url,
      params,
      action: `list ${config.stream} with`,
    })
    const body = response.json() as ListPage
    if (!body || typeof body !== 'object' || !Array.isArray(body.results))
      throw new BizonError(
        'source',
        `Source "pokeapi" could not read the page ${redactUrl(response.url)}: the answer has no "results" list. ` +
          'Check source.base_url: it must point at the PokeAPI v2 root.',
        { path: 'source.base_url' },
      )
    return { body, url: response.url }
  }

  return {
    check: () => probe(() => list(first, { limit: 1 })),
    async total() {
      const { body } = await list(first, { limit: 1 })
      return typeof body.count === 'number' ? body.count : null
    },
    async read({ pagination }): Promise<Page> {
      const next = typeof pagination['next'] === 'string' ? pagination['next'] : undefined
      const { body, url } = next ? await list(next) : await list(first, { limit: config.page_size })
      const records = body.results!.map((item, i) => {
        if (typeof item?.name !== 'string')
          throw new BizonError(
            'source',
            `Source "pokeapi" could not read record ${i + 1} of ${redactUrl(url)}: it has no "name". ` +
              'Check source.base_url.',
          )
        return { id: item.name, data: item as Record<string, unknown> }
      })
      // Relative next URLs are resolved against the page so the stored pagination stands alone.
      const following = typeof body.next === 'string' && body.next ? new URL(body.next, url).toString() : null
      return { records, next: following ? { next: following } : null }
    },
  }
}

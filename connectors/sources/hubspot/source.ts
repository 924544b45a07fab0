/** The `hubspot` source: properties resolved once, then `after`-paged object lists. */

import { BizonError } from '../../../src/errors.ts'
import { redactUrl } from '../../../src/http/index.ts'
import { probe } from '../../../src/http/probe.ts'
import type { Page, Source, SourceContext } from '../../../src/index.ts'
import { HubSpotApi } from './api.ts'
import type { HubSpotConfig } from './index.ts'

interface ObjectsPage {
  results?: Record<string, unknown>[]
  paging?: { next?: { after?: string; link?: string } }
}

type Config = HubSpotConfig & { stream: string; init_pipeline?: boolean }

export function createHubSpotSource(config: Config, ctx: SourceContext): Source {
  const api = new HubSpotApi(config, ctx)
  const object = config.stream
  let properties: Promise<string[] | undefined> | undefined

  /** Property names to ask for; undefined = HubSpot's default set (init_pipeline: false with `all`). */
  function resolveProperties(): Promise<string[] | undefined> {
    properties ??= (async () => {
      const { strategy, selected_properties } = config.properties
      if (config.init_pipeline === false) return strategy === 'selected' ? selected_properties : undefined
      const response = await api.request({
        path: `/crm/v3/properties/${object}`,
        action: 'list the properties of',
      })
      const body = response.json() as { results?: { name?: unknown }[] }
      if (!Array.isArray(body?.results))
        throw malformed(response.url, 'the answer has no "results" list of properties')
      const names = body.results.map((p) => p.name).filter((n): n is string => typeof n === 'string')
      if (strategy === 'all') return names
      const known = new Set(names)
      const unknown = selected_properties.filter((p) => !known.has(p))
      if (unknown.length)
        throw new BizonError(
          'source',
          `Source "hubspot" could not select properties of ${object}: ${unknown.map((p) => `"${p}"`).join(', ')} ` +
            `${unknown.length === 1 ? 'does' : 'do'} not exist. Check source.properties.selected_properties ` +
            `(${object} has e.g. ${names.slice(0, 5).join(', ')}).`,
          { path: 'source.properties.selected_properties' },
        )
      return selected_properties
    })()
    return properties
  }

  async function read(after: string | undefined, limit = config.page_size): Promise<Page> {
    const names = await resolveProperties()
    const response = await api.request({
      path: `/crm/v3/objects/${object}`,
      params: { limit, after, properties: names?.join(',') || undefined, archived: false },
      action: `list ${object} with`,
    })
    const body = response.json() as ObjectsPage
    if (!body || typeof body !== 'object' || !Array.isArray(body.results))
      throw malformed(response.url, 'the answer has no "results" list')
    const records = body.results.map((data, i) => {
      const id = data?.['id']
      if (typeof id !== 'string' && typeof id !== 'number')
        throw malformed(response.url, `record ${i + 1} has no "id"`)
      const updated = typeof data['updatedAt'] === 'string' ? new Date(data['updatedAt']) : undefined
      return { id, data, ...(updated && !Number.isNaN(updated.getTime()) && { timestamp: updated }) }
    })
    // The last page is a page like any other: its records count, and no `paging.next` ends the stream.
    const next = body.paging?.next?.after
    return { records, next: typeof next === 'string' && next ? { after: next } : null }
  }

  return {
    check: () => probe(() => read(undefined, 1)),
    async total() {
      try {
        const response = await api.request({
          method: 'POST',
          path: `/crm/v3/objects/${object}/search`,
          json: {
            filterGroups: [{ filters: [{ propertyName: 'hs_object_id', operator: 'HAS_PROPERTY' }] }],
            limit: 1,
          },
          action: `count ${object} with`,
        })
        const total = (response.json() as { total?: unknown })?.total
        return typeof total === 'number' ? total : null
      } catch (error) {
        // Progress is a nicety: a token without search access still reads.
        ctx.logger.warn(
          `Source "hubspot" could not count ${object}, going on without a total: ${error instanceof Error ? error.message : String(error)}`,
        )
        return null
      }
    },
    read: ({ pagination }) => read(typeof pagination['after'] === 'string' ? pagination['after'] : undefined),
  }
}

function malformed(url: string, what: string): BizonError {
  return new BizonError(
    'source',
    `Source "hubspot" could not read the page ${redactUrl(url)}: ${what}. ` +
      'Check source.base_url: it must point at the HubSpot API root.',
    { path: 'source.base_url' },
  )
}

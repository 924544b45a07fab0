/** The `cycle` source: GraphQL pages of customers, `pageInfo` kept as the pagination. */

import { BizonError } from '../../../src/errors.ts'
import { HttpClient, type HttpResponse } from '../../../src/http/client.ts'
import { clientOptions } from '../../../src/http/config.ts'
import { probe } from '../../../src/http/probe.ts'
import { excerpt } from '../../../src/http/redact.ts'
import { sleep } from '../../../src/http/retry.ts'
import type { Page, Pagination, Source, SourceContext, SourceRecord } from '../../../src/index.ts'
import type { CycleConfig } from './index.ts'

const COMPONENT = 'Source "cycle"'
/** Longest pause asked by `Ratelimit-Reset` we accept (the documented window is an hour). */
const MAX_PAUSE_MS = 3_600_000

/** The customers query. The cursor is written as a JSON string literal, which is valid GraphQL. */
export function customersQuery(size: number, cursor: string | undefined): string {
  const where = cursor ? `, where: { cursor: ${JSON.stringify(cursor)}, direction: AFTER }` : ''
  return `query Customers($slug: DefaultString!) {
  getProductBySlug(slug: $slug) {
    customers(pagination: { size: ${size}${where} }) {
      edges { cursor node { id email name company { domain id name } } }
      pageInfo { hasPreviousPage hasNextPage startCursor endCursor }
    }
  }
}`
}

export function createCycleSource(config: CycleConfig, ctx: SourceContext): Source {
  const client = new HttpClient({
    component: COMPONENT,
    authentication: config.authentication,
    ...clientOptions(config, ctx),
  })
  let pauseUntil = 0

  const fail = (what: string, hint: string) =>
    new BizonError(
      'source',
      `${COMPONENT} could not read the customers of "${config.slug}": ${what}. ${hint}`,
    )

  async function read(pagination: Pagination): Promise<Page> {
    const wait = pauseUntil - Date.now()
    if (wait > 0) {
      ctx.logger.info(`Cycle rate limit reached: waiting ${Math.ceil(wait / 1000)} s for the window to reset`)
      await sleep(wait, ctx.signal)
    }
    const cursor = typeof pagination['endCursor'] === 'string' ? pagination['endCursor'] : undefined
    const response = await client.request({
      method: 'POST',
      url: config.base_url,
      json: { query: customersQuery(config.page_size, cursor), variables: { slug: config.slug } },
      action: 'query',
    })
    pauseUntil = rateLimitPause(response)
    const body = response.json() as Record<string, any>
    const errors = Array.isArray(body?.errors) ? body.errors : []
    if (errors.length > 0) {
      const messages = errors.map((e: { message?: unknown }) => String(e?.message ?? JSON.stringify(e)))
      throw fail(
        `the API answered with errors: ${excerpt(messages.join('; '), client.secrets())}`,
        'Check source.slug and that the API key can read this product.',
      )
    }
    const product = body?.data?.getProductBySlug
    if (product === null) throw fail('no product has this slug', 'Check source.slug.')
    const customers = product?.customers
    if (!Array.isArray(customers?.edges) || typeof customers?.pageInfo !== 'object' || !customers.pageInfo)
      throw fail(
        `the response has no data.getProductBySlug.customers {edges, pageInfo}: "${excerpt(response.text, client.secrets())}"`,
        'Check source.base_url: it must be the Cycle GraphQL endpoint.',
      )
    const records = customers.edges.map(
      (edge: { node?: Record<string, unknown> }, i: number): SourceRecord => {
        const node = edge?.node
        const id = node?.['id']
        if (!node || typeof node !== 'object' || (typeof id !== 'string' && typeof id !== 'number'))
          throw fail(`customer ${i + 1} of the page has no node id`, 'Check source.base_url.')
        return { id, data: node }
      },
    )
    const pageInfo = customers.pageInfo as Pagination
    const more = pageInfo['hasNextPage'] === true && typeof pageInfo['endCursor'] === 'string'
    return { records, next: more ? { ...pageInfo } : null }
  }

  return {
    check: () => probe(() => read({})),
    read: ({ pagination }) => read(pagination),
  }
}

/** When the window is used up (`Ratelimit-Remaining: 0`), the time `Ratelimit-Reset` names; else 0. */
function rateLimitPause(response: HttpResponse): number {
  if (response.headers.get('ratelimit-remaining')?.trim() !== '0') return 0
  const reset = Number(response.headers.get('ratelimit-reset'))
  if (!Number.isFinite(reset) || reset <= 0) return 0
  // Documented as UTC epoch seconds; a small number can only be seconds from now.
  const at = reset > 1e9 ? reset * 1000 : Date.now() + reset * 1000
  return Math.min(at, Date.now() + MAX_PAUSE_MS)
}

/** Source `cycle`: the customers of a Cycle product, from its GraphQL API, page by page. */
import { Authentication } from '../../../src/http/auth-schema.ts'
import { apiEntries } from '../../../src/http/config.ts'
import { defineSource, v } from '../../../src/index.ts'

const d = v.description

export const CycleConfig = v.object({
  slug: v.pipe(
    v.string(),
    v.minLength(1),
    d('Slug of the Cycle product (workspace) whose customers are read.'),
  ),
  authentication: v.pipe(
    Authentication,
    v.check(
      (auth) => auth.type === 'api_key' || auth.type === 'bearer',
      'Cycle authenticates with an API token: use `type: api_key` with `params: {token: env://CYCLE_API_KEY}`.',
    ),
    d('`{type: api_key, params: {token}}`: the Cycle API key, sent as `Authorization: Bearer <token>`.'),
  ),
  page_size: v.pipe(
    v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(100)), 100),
    d('Customers per GraphQL page (one page = one iteration), at most 100.'),
  ),
  ...apiEntries({
    baseUrl: 'https://api.product.cycle.app/graphql',
    baseUrlText: 'GraphQL endpoint; change it only to point at a proxy or a test server.',
    rateLimit: undefined,
    rateLimitText:
      'Most requests per second (none by default: the `Ratelimit-Remaining`/`Ratelimit-Reset` headers pace the run).',
  }),
})
export type CycleConfig = v.InferOutput<typeof CycleConfig>

export default defineSource({
  name: 'cycle',
  summary: 'Customers of a Cycle product (GraphQL API), page by page with a resumable cursor.',
  streams: {
    customers: { description: 'Customers of the product: id, email, name and company {domain, id, name}.' },
  },
  config: CycleConfig,
  docs: [
    'POSTs `getProductBySlug(slug).customers(pagination: {size, where: {cursor, direction: AFTER}})` to',
    'the GraphQL endpoint; each customer node is one record (id = the customer id). The pagination',
    "kept by the engine is the page's `pageInfo` (`endCursor`, `hasNextPage`, ...), as upstream, so a",
    'killed run resumes after the last page written. The stream ends when `hasNextPage` is false.',
    '',
    'Limits: Cycle allows 2000 requests per hour per IP (leaky bucket). When a response says',
    '`Ratelimit-Remaining: 0`, the source waits until `Ratelimit-Reset` before the next request; a 429',
    'is retried after its `Retry-After`. GraphQL errors (HTTP 200 with `errors`) fail the run with the',
    "API's messages. The API key is masked in every message.",
    '',
    'No total: the API has no customer count.',
    '',
    'Tested against a local server implementing the documented endpoints, not the live API.',
  ].join('\n'),
  async create(config, ctx) {
    const { createCycleSource } = await import('./source.ts')
    return createCycleSource(config, ctx)
  },
})

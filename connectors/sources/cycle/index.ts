/** Source `cycle`: the customers of a Cycle product, from its GraphQL API, page by page. */
import { Authentication } from '../../../src/http/auth-schema.ts'
import { defineSource, v } from '../../../src/index.ts'

const d = v.description

const Retry = v.strictObject({
  max_attempts: v.pipe(
    v.optional(v.pipe(v.number(), v.integer(), v.minValue(1)), 5),
    d('Attempts per request, first included.'),
  ),
  backoff_base_ms: v.pipe(
    v.optional(v.pipe(v.number(), v.minValue(0)), 500),
    d('First backoff ceiling; doubles per attempt.'),
  ),
  backoff_max_ms: v.pipe(
    v.optional(v.pipe(v.number(), v.minValue(0)), 30_000),
    d('Largest backoff ceiling.'),
  ),
})

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
  base_url: v.pipe(
    v.optional(v.pipe(v.string(), v.url()), 'https://api.product.cycle.app/graphql'),
    d('GraphQL endpoint; change it only to point at a proxy or a test server.'),
  ),
  rate_limit: v.pipe(
    v.optional(v.pipe(v.number(), v.gtValue(0))),
    d(
      'Most requests per second (none by default: the `Ratelimit-Remaining`/`Ratelimit-Reset` headers pace the run).',
    ),
  ),
  retry: v.pipe(
    v.optional(Retry, {}),
    d('Retries on 429, 5xx and network errors, with full-jitter backoff; `Retry-After` wins.'),
  ),
  timeout_ms: v.pipe(
    v.optional(v.pipe(v.number(), v.integer(), v.minValue(1)), 30_000),
    d('Per request attempt.'),
  ),
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

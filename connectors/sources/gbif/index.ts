/** Source `gbif`: occurrence records from the GBIF search API, a no-auth high-volume public API (reference §9.14). */
import { apiEntries } from '../../../src/http/config.ts'
import { defineSource, v } from '../../../src/index.ts'

const d = v.description

/** GBIF refuses deep paging past this offset on the search endpoint. */
export const GBIF_MAX_OFFSET = 100_000
/** Largest page the search endpoint serves. */
export const GBIF_MAX_PAGE = 300

export const GbifConfig = v.object({
  page_limit: v.pipe(
    v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(GBIF_MAX_PAGE)), GBIF_MAX_PAGE),
    d('Records per request (`?limit=`), at most 300.'),
  ),
  max_records: v.pipe(
    v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(GBIF_MAX_OFFSET)), GBIF_MAX_OFFSET),
    d('Stop after this many records; at most 100,000 (GBIF refuses deeper paging).'),
  ),
  params: v.pipe(
    v.optional(
      v.record(
        v.string(),
        v.union([v.string(), v.number(), v.boolean(), v.array(v.union([v.string(), v.number()]))]),
      ),
      {},
    ),
    d('Search filters sent as query parameters, e.g. `{country: DK, year: "2020,2024"}`.'),
  ),
  ...apiEntries({
    baseUrl: 'https://api.gbif.org/v1',
    baseUrlText: 'API root; requests go to `<base_url>/<stream>/search`.',
    rateLimit: 10,
    rateLimitText:
      'Most requests per second (GBIF asks clients to stay reasonable and answers 429 when not).',
    timeoutMs: 60_000,
    timeoutText: 'Per request attempt (pages of 300 rich records can be slow).',
  }),
})
export type GbifConfig = v.InferOutput<typeof GbifConfig>

export default defineSource({
  name: 'gbif',
  summary:
    'Occurrence records (~2 KB each) from the public GBIF API, up to 100,000 per run; no authentication.',
  streams: { occurrence: { description: 'Occurrence search results, in the API order.' } },
  config: GbifConfig,
  docs: [
    'Full refresh only, mostly used as a load generator. `GET <base_url>/occurrence/search?limit&offset`',
    'with `limit = min(page_limit, max_records - offset)`; the pagination is `{offset}`, so a killed run',
    'resumes at the same page. Reading stops at `endOfRecords` or at `max_records`. The record id is',
    '`key`, else `gbifID`, else `<offset>_<index>`. The total is the `count` of a `limit=0` query',
    '(with the same `params`), capped at `max_records`.',
    '',
    'Requests are spaced by `rate_limit`; 429, 5xx and network errors are retried with backoff,',
    'honouring `Retry-After`. A page without a `results` list fails the run with a clear error.',
    '',
    'Tested against a local server implementing the documented endpoints, not the live API.',
  ].join('\n'),
  async create(config, ctx) {
    const { createGbifSource } = await import('./source.ts')
    return createGbifSource(config, ctx)
  },
})

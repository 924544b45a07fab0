/** Source `hubspot`: CRM contacts, companies and deals through the HubSpot CRM v3 API (reference §9.6). */
import { apiEntries } from '../../../src/http/config.ts'
import { defineSource, v } from '../../../src/index.ts'

const d = v.description

const HubSpotAuthentication = v.pipe(
  v.variant('type', [
    v.strictObject({
      type: v.pipe(
        v.picklist(['api_key', 'bearer']),
        d('A private app access token, sent as `Authorization: Bearer <token>`.'),
      ),
      params: v.pipe(
        v.strictObject({
          token: v.pipe(
            v.string(),
            v.minLength(1),
            d('The private app token. Use env://VAR to keep it out of the file.'),
          ),
        }),
        d('`{token}`.'),
      ),
    }),
    v.strictObject({
      type: v.pipe(v.literal('oauth'), d('A public app: access tokens from a refresh token.')),
      params: v.pipe(
        v.strictObject({
          client_id: v.pipe(v.string(), d('App client id.')),
          client_secret: v.pipe(v.string(), d('App client secret (env://VAR).')),
          refresh_token: v.pipe(v.string(), d('Refresh token of the install (env://VAR).')),
          token_refresh_endpoint: v.pipe(
            v.optional(v.pipe(v.string(), v.url())),
            d('Token endpoint; default `<base_url>/oauth/v1/token`.'),
          ),
          scopes: v.pipe(v.optional(v.array(v.string())), d('Scopes requested, sent comma-joined.')),
        }),
        d('`{client_id, client_secret, refresh_token}`, optionally `token_refresh_endpoint`, `scopes`.'),
      ),
    }),
  ]),
  d(
    '`{type: api_key, params: {token}}` (private app) or `{type: oauth, params: {client_id, client_secret, refresh_token}}`.',
  ),
)

export const HubSpotConfig = v.object({
  authentication: HubSpotAuthentication,
  properties: v.pipe(
    v.optional(
      v.strictObject({
        strategy: v.pipe(
          v.optional(v.picklist(['all', 'selected']), 'all'),
          d('`all`: every property of the object; `selected`: only `selected_properties`.'),
        ),
        selected_properties: v.pipe(
          v.optional(v.array(v.string()), []),
          d('Property names read with strategy `selected`; each is checked against the object.'),
        ),
      }),
      {},
    ),
    d('Which properties each record carries.'),
  ),
  page_size: v.pipe(
    v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(100)), 100),
    d('Records per request (`?limit=`), at most 100.'),
  ),
  ...apiEntries({
    baseUrl: 'https://api.hubapi.com',
    baseUrlText: 'API root (and the default OAuth token endpoint host).',
    rateLimit: 9,
    rateLimitText:
      'Most requests per second. HubSpot allows 100 per 10 s on Free/Starter (190 on Pro/Enterprise).',
    retry: { maxAttempts: 10, baseMs: 1000, maxMs: 60_000 },
  }),
})
export type HubSpotConfig = v.InferOutput<typeof HubSpotConfig>

export default defineSource({
  name: 'hubspot',
  summary: 'HubSpot CRM contacts, companies and deals with all or selected properties.',
  streams: {
    contacts: { description: 'CRM contacts (`/crm/v3/objects/contacts`).' },
    companies: { description: 'CRM companies (`/crm/v3/objects/companies`).' },
    deals: { description: 'CRM deals (`/crm/v3/objects/deals`).' },
  },
  config: HubSpotConfig,
  docs: [
    'Full refresh only. Before reading (unless `init_pipeline: false`) the object properties are',
    'listed (`GET /crm/v3/properties/<object>`): strategy `all` reads every one, strategy `selected`',
    'checks each `selected_properties` name and fails naming the unknown ones. Pages come from',
    '`GET /crm/v3/objects/<object>?limit&properties&after`; the pagination is `{after}`, so a killed',
    'run resumes at the same page. The last page is an ordinary page: its records are kept and the',
    'stream ends (upstream lost them). The record id is the object id, its timestamp `updatedAt`.',
    'The total is the `total` of one search (`hs_object_id HAS_PROPERTY`); when the search is not',
    'allowed the run goes on without one.',
    '',
    'Authentication: a private app token (`api_key`) or OAuth (`oauth`: the access token is fetched',
    'with the refresh token and fetched again when it expires or is refused). Secrets never appear in',
    'logs or errors.',
    '',
    'Rate limits: requests are spaced by `rate_limit`, and when HubSpot reports',
    '`X-HubSpot-RateLimit-Remaining: 0` the next request waits for the announced interval. 429 and',
    '5xx answers are retried with backoff, honouring `Retry-After`.',
    '',
    'Tested against a local server implementing the documented endpoints, not the live API.',
  ].join('\n'),
  async create(config, ctx) {
    const { createHubSpotSource } = await import('./source.ts')
    return createHubSpotSource(config, ctx)
  },
})

/** Source `sana_ai`: the rows of a Sana Insights report query (async report job, CSV download). */
import { Authentication } from '../../../src/http/auth-schema.ts'
import { apiEntries } from '../../../src/http/config.ts'
import { defineSource, v } from '../../../src/index.ts'

const d = v.description

export const SanaConfig = v.object({
  domain: v.pipe(
    v.string(),
    v.regex(/^[a-z0-9-]+$/i, 'Expected the tenant name only, e.g. `acme` for acme.sana.ai.'),
    d('Sana tenant: `<domain>.sana.ai`.'),
  ),
  query: v.pipe(
    v.string(),
    v.minLength(1),
    d('SQL query of the Insights API, e.g. `SELECT "user" FROM "analytics"."users"`.'),
  ),
  authentication: v.pipe(
    Authentication,
    d(
      'Usually `{type: oauth, params: {token_refresh_endpoint: https://<domain>.sana.ai/api/token, client_id, client_secret, grant_type: client_credentials, ...}}`.',
    ),
  ),
  poll_interval: v.pipe(
    v.optional(v.pipe(v.number(), v.minValue(0)), 3),
    d('Seconds between two checks of the report job.'),
  ),
  job_timeout: v.pipe(
    v.optional(v.pipe(v.number(), v.gtValue(0)), 3600),
    d('Seconds to wait for the report job before the run fails.'),
  ),
  page_size: v.pipe(
    v.optional(v.pipe(v.number(), v.integer(), v.minValue(1)), 1000),
    d('Report rows per iteration (one iteration = one queue message).'),
  ),
  ...apiEntries({
    baseUrl: undefined,
    baseUrlText:
      'API root; default `https://<domain>.sana.ai/api/v1`. Change it only for a proxy or a test server.',
    rateLimit: undefined,
    rateLimitText:
      'Most requests per second (Sana publishes no number; 429 answers are retried after `Retry-After`).',
    timeoutMs: 60_000,
    timeoutText: 'Per request attempt (the CSV download included).',
  }),
})
export type SanaConfig = v.InferOutput<typeof SanaConfig>

export default defineSource({
  name: 'sana_ai',
  summary: 'Rows of a Sana Insights report query: an async report job, polled, then its CSV downloaded.',
  streams: { insight_report: { description: 'One record per CSV row of the report (id = row index).' } },
  config: SanaConfig,
  docs: [
    '`POST /reports/query {query, format: csv}` starts a report job; `GET /reports/jobs/<jobId>` is polled',
    'every `poll_interval` seconds until its status is `successful` (a `failed` job, or one still running',
    'after `job_timeout`, fails the run); then `data.link.url` is downloaded. The download link carries',
    'its own signature: the access token is sent with it only when it is on the API host.',
    '',
    'Each CSV row (header row = field names) is a record whose id is its index from 0, as upstream. Rows',
    'are handed on `page_size` at a time; the pagination is `{job_id, row}`, so a killed run fetches the',
    'same job again and goes on after the rows already written (if the job has expired, a new one is',
    'started and the run goes on from the same row, with a warning).',
    '',
    'Authentication is the generic `authentication` block, usually OAuth2 client credentials against',
    '`https://<domain>.sana.ai/api/token` (`response_field_path: data`, `access_token_name: accessToken`,',
    '`expires_in_name: expiresIn`); the token is cached until it expires and fetched again on a 401.',
    'Sana publishes no rate limit: 429 and 5xx are retried, honouring `Retry-After`. No total.',
    '',
    'Tested against a local server implementing the documented endpoints, not the live API.',
  ].join('\n'),
  async create(config, ctx) {
    const { createSanaSource } = await import('./source.ts')
    return createSanaSource(config, ctx)
  },
})

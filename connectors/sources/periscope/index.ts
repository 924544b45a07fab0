/** Source `periscope`: dashboards, charts, views, users and databases of a Periscope Data (Sisense) site. */
import { apiEntries } from '../../../src/http/config.ts'
import { defineSource, v } from '../../../src/index.ts'

const d = v.description
const int = v.pipe(v.number(), v.integer())

const PeriscopeAuthentication = v.strictObject({
  type: v.pipe(v.literal('cookies'), d('Periscope has no API keys: the browser session cookies are used.')),
  params: v.pipe(
    v.strictObject({
      cookies: v.pipe(
        v.strictObject({
          cf_bm: v.pipe(
            v.string(),
            v.minLength(1),
            d('Cloudflare `__cf_bm` cookie of a logged-in browser session.'),
          ),
          periscope_session: v.pipe(
            v.string(),
            v.minLength(1),
            d('`periscope_session` cookie of that session.'),
          ),
        }),
        d('The two session cookies, e.g. `env://PERISCOPE_SESSION`.'),
      ),
      headers: v.pipe(
        v.optional(v.record(v.string(), v.string()), {}),
        d('Extra headers sent with every request (they win over the browser-like defaults).'),
      ),
    }),
    d('`{cookies: {cf_bm, periscope_session}, headers?}`.'),
  ),
})

export const PeriscopeConfig = v.object({
  authentication: v.pipe(
    PeriscopeAuthentication,
    d('`{type: cookies, params: {cookies: {cf_bm, periscope_session}}}`.'),
  ),
  workspace_name: v.pipe(v.string(), d('Name of the workspace (kept for compatibility; not sent).')),
  client_site_id: v.pipe(int, d('Client site id, sent as `client_site_id` with every call.')),
  database_id: v.pipe(int, d('`charts` keeps only the widgets connected to this database id.')),
  x_csrf_token: v.pipe(
    v.string(),
    v.minLength(1),
    d('CSRF token of the session, sent as `x-csrf-token` (never logged).'),
  ),
  dashboards_per_page: v.pipe(
    v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(50)), 10),
    d('`charts`: dashboards read in parallel per iteration.'),
  ),
  ...apiEntries({
    baseUrl: 'https://app.periscopedata.com',
    baseUrlText: 'Site URL; change it only to point at a proxy or a test server.',
    rateLimit: 5,
    rateLimitText:
      'Most requests per second (Periscope publishes no limit for these endpoints; 5 stays gentle).',
  }),
})
export type PeriscopeConfig = v.InferOutput<typeof PeriscopeConfig>

export default defineSource({
  name: 'periscope',
  summary: 'Dashboards, charts, SQL views, users and databases of a Periscope Data site (session cookies).',
  streams: {
    charts: {
      description: 'Widgets of every dashboard connected to `database_id`, textboxes with `raw_text`.',
    },
    dashboards: { description: 'Dashboards (`GET /login_state/dashboards`).' },
    dashboards_metadata: {
      description: 'Dashboard search results (`POST /global_search/search`, 2000 max).',
    },
    databases: { description: 'Connected databases (`GET /welcome/remaining_state/site_models`).' },
    users: { description: 'Users (`GET /users/owners`).' },
    views: { description: 'SQL views (`GET /login_state/sql_views`).' },
  },
  config: PeriscopeConfig,
  docs: [
    "Periscope has no public API: this source calls the endpoints of the site's web app with the",
    'cookies and CSRF token of a logged-in browser session (copy `__cf_bm`, `periscope_session` and the',
    '`X-CSRF-Token` header from the browser developer tools). Cookies expire: a 401/403, or a login',
    'page instead of JSON, fails the run with a message saying to copy fresh ones.',
    '',
    'Every stream but `charts` is one request and one iteration (record id = the object id).',
    '`charts` lists the dashboards first, then reads `dashboards_per_page` dashboards per iteration in',
    'parallel; the pagination is the list of dashboard ids still to read (`{dashboard_ids}`), so a killed',
    'run resumes with the next dashboards. Per dashboard, `GET /welcome/remaining_widgets` is called in',
    'windows of 50 rows until a window is empty; widgets of other databases are skipped, each widget',
    'is kept once, and textbox widgets get `raw_text` (their rich text, links as markdown).',
    '',
    'Limits: none are published; requests are spaced at `rate_limit` per second (default 5), 429 and',
    '5xx are retried honouring `Retry-After`. Cookie and CSRF values are masked in every message.',
    'No total: the app has no count endpoints.',
    '',
    'Tested against a local server implementing the documented endpoints, not the live API.',
  ].join('\n'),
  async create(config, ctx) {
    const { createPeriscopeSource } = await import('./source.ts')
    return createPeriscopeSource(config, ctx)
  },
})

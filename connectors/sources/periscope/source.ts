/** The `periscope` source: the web app's JSON endpoints, read with the session cookies. */
import { BizonError } from '../../../src/errors.ts'
import { HttpClient, type QueryParams } from '../../../src/http/client.ts'
import { clientOptions } from '../../../src/http/config.ts'
import { excerpt } from '../../../src/http/redact.ts'
import type { Page, Pagination, Source, SourceContext, SourceRecord } from '../../../src/index.ts'
import type { PeriscopeConfig } from './index.ts'
import { textboxRawText } from './textbox.ts'

const COMPONENT = 'Source "periscope"'
const WINDOW_ROWS = 50
const MAX_WINDOWS = 1000
const SESSION_HINT =
  'The session has probably expired: copy fresh cf_bm, periscope_session and x_csrf_token from a logged-in browser.'

type Json = Record<string, any>

export function createPeriscopeSource(config: PeriscopeConfig, ctx: SourceContext): Source {
  const { cookies, headers } = config.authentication.params
  const client = new HttpClient({
    component: COMPONENT,
    hints: { 401: SESSION_HINT, 403: SESSION_HINT },
    // Cookie values are secrets; the browser-like headers are not (only the CSRF token, by its name).
    authentication: {
      type: 'cookies',
      params: {
        cookies: { __cf_bm: cookies.cf_bm, periscope_session: cookies.periscope_session },
        headers: {},
      },
    },
    headers: { ...browserHeaders(), 'x-csrf-token': config.x_csrf_token, ...headers },
    ...clientOptions(config, ctx),
  })
  const site = { client_site_id: config.client_site_id }
  const url = (path: string) => new URL(path, config.base_url).toString()

  const fail = (what: string, hint: string) =>
    new BizonError('source', `${COMPONENT} could not read ${ctx.stream}: ${what}. ${hint}`)

  async function call(
    method: string,
    path: string,
    options: { params?: QueryParams; json?: unknown },
  ): Promise<unknown> {
    const response = await client.request({ method, url: url(path), ...options, action: 'call' })
    // An expired session is answered with the login page, not an error status.
    if (/text\/html/i.test(response.headers.get('content-type') ?? '') || /^\s*</.test(response.text))
      throw fail(`${method} ${path} answered with an HTML page instead of JSON`, SESSION_HINT)
    return response.json()
  }

  /** A list found at `key` of the body (`''`: the body itself). */
  function listAt(body: unknown, key: string, path: string): Json[] {
    const list = key === '' ? body : key.split('.').reduce<any>((at, k) => at?.[k], body)
    if (!Array.isArray(list))
      throw fail(
        `the answer of ${path} has no ${key ? `"${key}" list` : 'list'}: "${excerpt(JSON.stringify(body), client.secrets())}"`,
        'Check source.base_url: it must be the Periscope site.',
      )
    return list
  }

  const records = (list: Json[], path: string): SourceRecord[] =>
    list.map((item, i) => {
      if (!item || typeof item !== 'object' || (typeof item.id !== 'string' && typeof item.id !== 'number'))
        throw fail(
          `item ${i + 1} of ${path} has no id`,
          'Check source.base_url: it must be the Periscope site.',
        )
      return { id: item.id, data: item }
    })

  async function list(path: string, key: string): Promise<Json[]> {
    return listAt(await call('GET', path, { params: site }), key, path)
  }

  async function dashboardsMetadata(): Promise<Json[]> {
    const path = '/global_search/search'
    const json = {
      ...site,
      filters: [{ name: 'typeFilter', input: 'Dashboard' }],
      limit: 2000,
      query_plan: null,
    }
    return listAt(await call('POST', path, { json }), 'results.data', path)
  }

  async function dashboardCharts(dashboardId: unknown): Promise<Json[]> {
    const path = '/welcome/remaining_widgets'
    const seen = new Set<unknown>()
    const charts: Json[] = []
    for (let window = 0; window < MAX_WINDOWS; window++) {
      const params = {
        current_dashboard: String(dashboardId),
        minimum_dashboard_fluid_row: window * WINDOW_ROWS,
        fluid_column_for_last_widget_in_row: 0,
        ...site,
      }
      const body = await call('GET', path, { params })
      const widgets = listAt(body, 'Widget', path)
      if (widgets.length === 0) break
      const textboxes = Array.isArray((body as Json).TextBox) ? ((body as Json).TextBox as Json[]) : []
      for (const chart of widgets) {
        if (String(chart?.database_id) !== String(config.database_id) || seen.has(chart.id)) continue
        seen.add(chart.id)
        chart.raw_text = null
        if (chart.content_id) {
          const textbox = textboxes.find((t) => t?.id === chart.content_id)
          if (textbox) chart.raw_text = textboxRawText(textbox)
          else ctx.logger.warn(`Textbox ${chart.content_id} of chart ${chart.id} is missing from the answer`)
        }
        charts.push(chart)
      }
    }
    return charts
  }

  async function charts(pagination: Pagination): Promise<Page> {
    let ids = pagination['dashboard_ids'] as unknown[] | undefined
    if (!Array.isArray(ids)) {
      ids = (await list('/login_state/dashboards', 'Dashboard')).map((d) => d.id)
      if (ids.length === 0) ctx.logger.warn('No dashboard found: the charts stream is empty')
    }
    const batch = ids.slice(0, config.dashboards_per_page)
    const rest = ids.slice(config.dashboards_per_page)
    const found = (await Promise.all(batch.map(dashboardCharts))).flat()
    return {
      records: records(found, '/welcome/remaining_widgets'),
      next: rest.length ? { dashboard_ids: rest } : null,
    }
  }

  const single = async (path: string, items: Promise<Json[]>): Promise<Page> => ({
    records: records(await items, path),
    next: null,
  })

  async function read(pagination: Pagination): Promise<Page> {
    switch (ctx.stream) {
      case 'charts':
        return charts(pagination)
      case 'dashboards':
        return single('/login_state/dashboards', list('/login_state/dashboards', 'Dashboard'))
      case 'dashboards_metadata':
        return single('/global_search/search', dashboardsMetadata())
      case 'views':
        return single('/login_state/sql_views', list('/login_state/sql_views', 'SqlView'))
      case 'users':
        return single('/users/owners', list('/users/owners', ''))
      case 'databases':
        return single(
          '/welcome/remaining_state/site_models',
          list('/welcome/remaining_state/site_models', 'Database'),
        )
      default:
        throw fail(
          'no such stream',
          'Use charts, dashboards, dashboards_metadata, databases, users or views.',
        )
    }
  }

  return { read: ({ pagination }) => read(pagination) }
}

/** Headers of the browser the cookies come from (no `authority`: its name would mark the host as a secret). */
function browserHeaders(): Record<string, string> {
  return {
    Accept: 'application/json, text/javascript, */*; q=0.01',
    'accept-language': 'en-US,en;q=0.9',
    'sec-fetch-dest': 'empty',
    'sec-fetch-mode': 'cors',
    'sec-fetch-site': 'same-origin',
    'user-agent':
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/118.0.0.0 Safari/537.36',
    'x-requested-with': 'XMLHttpRequest',
  }
}

/**
 * A local Periscope Data web app (Bun.serve, port 0): the JSON endpoints the `periscope` source calls,
 * session cookies + CSRF token checked, widgets served in windows of 50 dashboard rows, canned failures.
 */
import { type LoggedRequest, type Scripted, serveFake } from './server.ts'

export type PeriscopeRequest = LoggedRequest
export type Canned = Scripted

export interface FakePeriscope {
  url: string
  /** Dashboards with their widgets (row = dashboard fluid row). */
  dashboards: { id: number; name: string; widgets: Record<string, any>[] }[]
  textboxes: Record<string, any>[]
  requests: PeriscopeRequest[]
  /** Canned answers for the next requests to `path`. */
  script(path: string, ...responses: Canned[]): void
  /** Ids of the widgets the `charts` stream must return for `databaseId`, in order. */
  chartIds(databaseId: number): number[]
  stop(): Promise<void>
}

export interface PeriscopeSecrets {
  cfBm: string
  session: string
  csrf: string
  siteId: number
}

const textDoc = (text: string, url?: string) => ({
  document: {
    nodes: [
      {
        object: 'block',
        type: 'paragraph',
        nodes: [
          { object: 'text', leaves: [{ text: `\ufeff${text} ` }] },
          ...(url
            ? [
                {
                  object: 'inline',
                  type: 'link',
                  data: { url },
                  nodes: [{ object: 'text', leaves: [{ text: 'docs' }] }],
                },
              ]
            : []),
        ],
      },
    ],
  },
})

export function startFakePeriscope(
  secrets: PeriscopeSecrets,
  options: { dashboards?: number } = {},
): FakePeriscope {
  const textboxes: Record<string, any>[] = []
  let nextWidget = 1000
  const dashboards = Array.from({ length: options.dashboards ?? 13 }, (_, d) => {
    const id = 500 + d
    // Dashboard d has d % 4 * 30 rows of widgets: 0, 30, 60 or 90 rows (up to two windows).
    const widgets = Array.from({ length: (d % 4) * 3 }, (_, w) => {
      const widget: Record<string, any> = {
        id: nextWidget++,
        dashboard_id: id,
        row: w * 10,
        database_id: w % 3 === 2 ? 77 : 42,
        title: `chart ${d}.${w}`,
        content_id: null,
      }
      if (w === 0) {
        widget.content_id = 9000 + d
        textboxes.push({
          id: 9000 + d,
          text_data: textDoc(`Notes of dashboard ${d}`, d % 2 ? 'https://x.io' : undefined),
        })
      }
      return widget
    })
    return { id, name: `Dashboard ${d}`, widgets }
  })

  const json = (body: unknown, status = 200) =>
    new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })

  function authorized(req: Request): boolean {
    const cookie = req.headers.get('cookie') ?? ''
    return (
      cookie.includes(`__cf_bm=${secrets.cfBm}`) &&
      cookie.includes(`periscope_session=${secrets.session}`) &&
      req.headers.get('x-csrf-token') === secrets.csrf &&
      req.headers.get('x-requested-with') === 'XMLHttpRequest'
    )
  }

  function route(path: string, query: Record<string, string>, body: string): Response {
    const site =
      path === '/global_search/search' ? JSON.parse(body).client_site_id : Number(query['client_site_id'])
    if (site !== secrets.siteId) return json({ error: 'Unknown site' }, 404)
    switch (path) {
      case '/login_state/dashboards':
        return json({ Dashboard: dashboards.map(({ id, name }) => ({ id, name })) })
      case '/global_search/search': {
        const { filters, limit } = JSON.parse(body)
        if (filters?.[0]?.input !== 'Dashboard') return json({ results: { data: [] } })
        return json({
          results: {
            data: dashboards.slice(0, limit).map(({ id, name }) => ({ id, name, type: 'Dashboard' })),
          },
        })
      }
      case '/login_state/sql_views':
        return json({
          SqlView: [
            { id: 1, name: 'v_orders' },
            { id: 2, name: 'v_users' },
          ],
        })
      case '/users/owners':
        return json([
          { id: 11, email: 'a@x.io' },
          { id: 12, email: 'b@x.io' },
          { id: 13, email: 'c@x.io' },
        ])
      case '/welcome/remaining_state/site_models':
        return json({
          Database: [
            { id: 42, name: 'warehouse' },
            { id: 77, name: 'legacy' },
          ],
        })
      case '/welcome/remaining_widgets': {
        const dashboard = dashboards.find((d) => String(d.id) === query['current_dashboard'])
        const from = Number(query['minimum_dashboard_fluid_row'])
        const widgets = (dashboard?.widgets ?? []).filter((w) => w.row >= from && w.row < from + 50)
        const boxes = textboxes.filter((t) => widgets.some((w) => w.content_id === t.id))
        // Copies: the source adds raw_text, the fake's data must stay as served.
        return json({ Widget: structuredClone(widgets), TextBox: boxes })
      }
      default:
        return json({ error: 'Not found' }, 404)
    }
  }

  const server = serveFake((req, url, body) => {
    // Like many apps, the error echoes what it was sent: the source must mask it.
    if (!authorized(req))
      return json({ error: 'You must be logged in', cookie: req.headers.get('cookie') }, 401)
    return route(url.pathname, Object.fromEntries(url.searchParams), body)
  })

  return {
    url: server.origin,
    dashboards,
    textboxes,
    requests: server.requests,
    script: server.script,
    chartIds: (databaseId) =>
      dashboards.flatMap((d) => d.widgets.filter((w) => w.database_id === databaseId).map((w) => w.id)),
    stop: server.stop,
  }
}

/** The `periscope` source config for a fake started with `secrets`, no real rate limit; `extra` wins. */
export function periscopeConfig(secrets: PeriscopeSecrets, url: string, extra: Record<string, unknown> = {}) {
  return {
    authentication: {
      type: 'cookies',
      params: { cookies: { cf_bm: secrets.cfBm, periscope_session: secrets.session } },
    },
    workspace_name: 'acme',
    client_site_id: secrets.siteId,
    database_id: 42,
    x_csrf_token: secrets.csrf,
    base_url: url,
    rate_limit: 1000,
    ...extra,
  }
}

/**
 * A local Sana API (Bun.serve, port 0): OAuth2 client credentials at `/api/token` (`{data: {accessToken,
 * expiresIn}}`), report jobs at `/api/v1/reports/...`, and a separate "object storage" server serving
 * the signed CSV links, which, like S3, refuses requests that also carry an Authorization header.
 */

import { type LoggedRequest, type Scripted, serveFake } from './server.ts'

export type SanaRequest = LoggedRequest
export type Canned = Scripted

export interface FakeSana {
  /** API root (`…/api/v1`). */
  url: string
  tokenUrl: string
  rows: Record<string, string>[]
  csv: string
  requests: SanaRequest[]
  /** Canned answers for the next requests to `path`. */
  script(path: string, ...responses: Canned[]): void
  /** Forget every job (their status URL answers 404, as an expired job does). */
  expireJobs(): void
  /** Jobs created so far. */
  jobsStarted(): number
  stop(): Promise<void>
}

export interface SanaOptions {
  clientId: string
  clientSecret: string
  rows?: number
  /** Status checks answered `processing` before a job is `successful`. */
  pollsUntilReady?: number
  /** Jobs end `failed` instead. */
  failJobs?: boolean
  /** Links point at the API host itself (`/api/v1/downloads/...`, token required), not at storage. */
  sameHostLinks?: boolean
}

const quote = (value: string) => (/[",\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value)

export function makeReportRows(n: number): Record<string, string>[] {
  return Array.from({ length: n }, (_, i) => ({
    user: `user-${i + 1}`,
    user_type: i % 2 ? 'learner' : 'admin',
    user_status: i === 2 ? 'says "hi", then\nleaves' : 'active',
    user_creation_date: new Date(Date.UTC(2024, 0, 1 + i)).toISOString(),
  }))
}

export function startFakeSana(options: SanaOptions): FakeSana {
  const rows = makeReportRows(options.rows ?? 23)
  const header = Object.keys(rows[0] ?? { user: '' })
  const csv = `\ufeff${[header.join(','), ...rows.map((r) => header.map((h) => quote(r[h] ?? '')).join(','))].join('\r\n')}\r\n`
  // One log for both servers: the tests read the order of API calls and downloads.
  const requests: SanaRequest[] = []
  const tokens = new Set<string>()
  const jobs = new Map<string, { polls: number }>()
  let started = 0

  const json = (body: unknown, status = 200) =>
    new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })

  const storage = Bun.serve({
    port: 0,
    hostname: '127.0.0.1',
    fetch(req) {
      const url = new URL(req.url)
      requests.push({
        method: req.method,
        path: `storage:${url.pathname}`,
        query: Object.fromEntries(url.searchParams),
        params: url.searchParams,
        headers: req.headers.toJSON(),
        body: '',
        at: performance.now(),
      })
      if (req.headers.get('authorization'))
        return new Response(
          '<Error><Code>InvalidArgument</Code><Message>Only one auth mechanism allowed</Message></Error>',
          { status: 400 },
        )
      if (url.searchParams.get('signature') !== 'sig')
        return new Response('<Error>AccessDenied</Error>', { status: 403 })
      return new Response(csv, { headers: { 'Content-Type': 'text/csv; charset=utf-8' } })
    },
  })

  function api(req: Request, url: URL, body: string): Response {
    if (url.pathname === '/api/token' && req.method === 'POST') {
      const form = new URLSearchParams(body)
      if (
        form.get('client_id') !== options.clientId ||
        form.get('client_secret') !== options.clientSecret ||
        form.get('grant_type') !== 'client_credentials'
      )
        return json({ error: 'invalid_client', message: `Unknown client ${form.get('client_id')}` }, 401)
      const accessToken = `sana-at-${crypto.randomUUID()}`
      tokens.add(accessToken)
      return json({ data: { accessToken, expiresIn: 3600, tokenType: 'Bearer' } })
    }
    const auth = req.headers.get('authorization') ?? ''
    if (!auth.startsWith('Bearer ') || !tokens.has(auth.slice(7))) return json({ error: 'Unauthorized' }, 401)
    if (url.pathname === '/api/v1/reports/query' && req.method === 'POST') {
      const { query, format } = JSON.parse(body || '{}')
      if (!query || format !== 'csv') return json({ error: 'query and format are required' }, 400)
      const jobId = `job-${++started}`
      jobs.set(jobId, { polls: 0 })
      return json({ data: { jobId } })
    }
    const match = /^\/api\/v1\/reports\/jobs\/([^/]+)$/.exec(url.pathname)
    if (match && req.method === 'GET') {
      const job = jobs.get(match[1]!)
      if (!job) return json({ error: 'Job not found' }, 404)
      if (job.polls++ < (options.pollsUntilReady ?? 1)) return json({ data: { status: 'processing' } })
      if (options.failJobs) return json({ data: { status: 'failed', error: 'column "usr" does not exist' } })
      const link = options.sameHostLinks
        ? `/api/v1/downloads/${match[1]}.csv`
        : `http://127.0.0.1:${storage.port}/reports/${match[1]}.csv?signature=sig`
      return json({
        data: {
          status: 'successful',
          link: { url: link, expiresAt: new Date(Date.now() + 600_000).toISOString() },
        },
      })
    }
    if (url.pathname.startsWith('/api/v1/downloads/') && options.sameHostLinks)
      return new Response(csv, { headers: { 'Content-Type': 'text/csv' } })
    return json({ error: 'Not found' }, 404)
  }

  const server = serveFake(api, requests)

  return {
    url: `${server.origin}/api/v1`,
    tokenUrl: `${server.origin}/api/token`,
    rows,
    csv,
    requests,
    script: server.script,
    expireJobs: () => jobs.clear(),
    jobsStarted: () => started,
    stop: async () => {
      await server.stop()
      await storage.stop(true)
    },
  }
}

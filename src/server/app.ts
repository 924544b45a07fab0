/** The status server as a pure Hono app over a backend (and this process's live runs). */
import { type Context, Hono } from 'hono'
import { streamSSE } from 'hono/streaming'
import type { Backend, SyncKey } from '../backends/types.ts'
import { redact } from '../observe/log.ts'
import { metricsFromBackend } from '../observe/metrics.ts'
import { guard } from './auth.ts'
import { jobDetail } from './job-detail.ts'
import type { LiveRuns } from './live.ts'
import { PAGE_HTML } from './page.ts'
import { listPipelines, parseSyncKeyId } from './state.ts'

export interface ResetOutcome {
  queued: boolean
  message: string
}

export interface AppOptions {
  backend: Backend
  live?: LiveRuns
  /** Required on every request but `/healthz` when set. */
  token?: string
  /** Queues a stream reset; defaults to the rules of `bizon stream reset` on `backend`. */
  resetStream?: (key: SyncKey) => Promise<ResetOutcome>
  /** Values never shown, masked in every answer (resolved secrets). */
  secrets?: string[]
  /** How often the backend is checked for changes made by other processes (ms). */
  pollMs?: number
}

/** Same rules and messages as `bizon stream reset` (reference §3.5). */
export async function queueReset(backend: Backend, key: SyncKey): Promise<ResetOutcome> {
  const [last] = await backend.listJobs({ key, limit: 1 })
  const what = `${key.sourceName} - ${key.streamName}`
  if (last && last.syncMode !== 'incremental') {
    const mode = last.syncMode
    throw new ResetRefused(
      `Only incremental streams can be reset, but sync_mode is '${mode}'. A '${mode}' stream already rebuilds its destination on every run.`,
    )
  }
  if (await backend.getPendingReset(key))
    return { queued: false, message: `A reset is already pending for ${what}, nothing to do.` }
  await backend.createReset(key)
  return {
    queued: true,
    message: `Reset requested for ${what}. The next run will re-fetch the full stream, replace the destination table, and resume incremental from there.`,
  }
}

export class ResetRefused extends Error {}

/** Fingerprint of what the pages show, to tell watchers when another process changed the backend. */
async function fingerprint(backend: Backend): Promise<string> {
  const jobs = await backend.listJobs({ limit: 200 })
  const parts = jobs.map((j) => `${j.id}:${j.status}:${j.updatedAt?.getTime() ?? ''}:${j.errorMessage ?? ''}`)
  for (const job of jobs.filter((j) => j.status === 'running' || j.status === 'started').slice(0, 20)) {
    parts.push(`${job.id}=${await backend.getRowsWritten(job.id)}`)
  }
  return parts.join('|')
}

export function createApp(options: AppOptions): Hono {
  const { backend, live } = options
  // inside JSON a secret may appear escaped (quotes, backslashes): mask that form too
  const secrets = (options.secrets ?? []).flatMap((s) => [s, JSON.stringify(s).slice(1, -1)])
  const reset = options.resetStream ?? ((key: SyncKey) => queueReset(backend, key))
  const app = new Hono()

  const json = (c: Context, data: unknown, status = 200) =>
    c.body(redact(JSON.stringify(data), secrets), status as 200, {
      'content-type': 'application/json; charset=utf-8',
    })

  // one backend poller shared by every open page, running only while one is open
  const watchers = new Set<() => void>()
  let poller: ReturnType<typeof setInterval> | null = null
  let lastPrint = ''
  let checking = false
  const check = async () => {
    if (checking) return
    checking = true
    try {
      const print = await fingerprint(backend)
      if (print !== lastPrint) for (const w of watchers) w()
      lastPrint = print
    } catch {
      // the backend may be briefly unavailable: try again next tick
    } finally {
      checking = false
    }
  }
  /** Resolves once the baseline is taken, so a change right after the page loaded is not missed. */
  const watch = async (listener: () => void) => {
    if (!poller) {
      poller = setInterval(check, options.pollMs ?? 1000)
      poller.unref?.()
      lastPrint = await fingerprint(backend).catch(() => '')
    }
    watchers.add(listener)
    const unsubscribeLive = live?.subscribe(listener)
    return () => {
      watchers.delete(listener)
      unsubscribeLive?.()
      if (watchers.size === 0 && poller) {
        clearInterval(poller)
        poller = null
        lastPrint = ''
      }
    }
  }

  app.get('/healthz', (c) => c.json({ ok: true }))
  app.use('*', guard({ token: options.token }))
  app.use('*', async (c, next) => {
    await next()
    c.header('x-content-type-options', 'nosniff')
    c.header('referrer-policy', 'no-referrer')
  })

  const page = (c: Context) =>
    c.html(PAGE_HTML, 200, {
      'content-security-policy':
        "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src data:",
    })
  app.get('/', page)
  app.get('/jobs/:id', page)

  app.get('/api/pipelines', async (c) => json(c, { pipelines: await listPipelines(backend, live) }))
  app.get('/api/jobs/:id', async (c) => {
    const detail = await jobDetail(backend, c.req.param('id'), live)
    return detail ? json(c, detail) : json(c, { error: `No job with id "${c.req.param('id')}".` }, 404)
  })
  app.post('/api/pipelines/:key/reset', async (c) => {
    const key = parseSyncKeyId(c.req.param('key'))
    if (!key) return json(c, { error: 'Unknown pipeline key. Take keys from /api/pipelines.' }, 404)
    try {
      const outcome = await reset(key)
      return json(c, outcome, outcome.queued ? 201 : 200)
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error)
      return json(c, { error: message }, error instanceof ResetRefused ? 409 : 500)
    }
  })

  app.get('/metrics', async (c) => {
    // syncs run by this process report their own (richer) series
    const fromBackend = await metricsFromBackend(backend, { skip: (key) => Boolean(live?.forSync(key)) })
    if (live) fromBackend.merge(live.metrics)
    return c.body(redact(fromBackend.render(), secrets), 200, {
      'content-type': 'text/plain; version=0.0.4; charset=utf-8',
    })
  })

  app.get('/api/events', (c) =>
    streamSSE(c, async (stream) => {
      let wake: (() => void) | null = null
      let dirty = false
      const stop = await watch(() => {
        dirty = true
        wake?.()
      })
      stream.onAbort(() => {
        stop()
        wake?.()
      })
      await stream.writeSSE({ event: 'hello', data: '{}' })
      while (!stream.aborted) {
        // a comment every 15 s keeps proxies from closing an idle connection
        if (!dirty) {
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, 15_000)
            wake = () => {
              clearTimeout(timer)
              resolve()
            }
          })
          wake = null
        }
        if (stream.aborted) break
        if (dirty) {
          dirty = false
          await stream.writeSSE({ event: 'change', data: '{}' })
        } else {
          await stream.write(': keep-alive\n\n')
        }
      }
      stop()
    }),
  )

  app.notFound((c) => json(c, { error: `Nothing at ${c.req.path}.` }, 404))
  app.onError((error, c) => json(c, { error: `The status server could not answer: ${error.message}` }, 500))
  return app
}

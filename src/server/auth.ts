/** Access rules of the status server: token, loopback Host check, no cross-site actions. */
import { createHash, timingSafeEqual } from 'node:crypto'
import type { MiddlewareHandler } from 'hono'

const digest = (text: string) => createHash('sha256').update(text).digest()

/** Constant-time comparison (hashing first makes the lengths equal). */
export function sameToken(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected))
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1'])

/** `127.0.0.1`, `::1`, `localhost` and the rest of 127.0.0.0/8. */
export function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '')
  return LOOPBACK_HOSTS.has(bare) || /^127\.\d+\.\d+\.\d+$/.test(bare)
}

function hostName(header: string | undefined): string {
  if (!header) return ''
  if (header.startsWith('[')) return header.slice(0, header.indexOf(']') + 1)
  return header.split(':')[0]!
}

/**
 * Without a token the server is only for this machine: a Host that is not loopback means a DNS
 * rebinding page is asking, so it is refused. With a token, every request but `/healthz` needs it:
 * `Authorization: Bearer <token>`, or `?token=` on GET (links and EventSource cannot set headers).
 */
export function guard(options: { token?: string }): MiddlewareHandler {
  return async (c, next) => {
    if (c.req.path === '/healthz') return next()
    const host = c.req.header('host') ?? new URL(c.req.url).host
    if (options.token) {
      const header = c.req.header('authorization') ?? ''
      const bearer = /^Bearer\s+(.+)$/i.exec(header)?.[1]?.trim()
      const query = c.req.method === 'GET' ? c.req.query('token') : undefined
      const given = bearer ?? query
      if (!given || !sameToken(given, options.token)) {
        return c.json(
          {
            error:
              'A valid token is required: send "Authorization: Bearer <token>" or open the page with ?token=<token>.',
          },
          401,
        )
      }
    } else if (!isLoopback(hostName(host))) {
      return c.json(
        {
          error:
            'This status server only answers on loopback addresses. Start it with --token to serve other hosts.',
        },
        403,
      )
    }
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') {
      // a cross-site form cannot send JSON nor a matching Origin: actions come only from the page or a client
      const origin = c.req.header('origin')
      if (origin && originHost(origin) !== host) {
        return c.json({ error: 'Cross-origin requests are refused.' }, 403)
      }
      if (!(c.req.header('content-type') ?? '').includes('application/json')) {
        return c.json({ error: 'Send actions with "Content-Type: application/json".' }, 415)
      }
    }
    return next()
  }
}

function originHost(origin: string): string | null {
  try {
    return new URL(origin).host
  } catch {
    return null
  }
}

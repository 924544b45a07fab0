/** The shared HTTP client: auth headers, rate limit, timeout, retries with backoff, secret-free errors. */
import { BizonError } from '../errors.ts'
import type { Logger } from '../plugin/types.ts'
import { type Authenticator, createAuthenticator } from './auth.ts'
import type { Authentication } from './auth-schema.ts'
import { defaultHint, HttpError } from './http-error.ts'
import { RateLimiter } from './rate-limiter.ts'
import { excerpt, redactText, redactUrl } from './redact.ts'
import {
  backoffDelay,
  defaultRetry,
  isRetryableStatus,
  parseRetryAfter,
  type RetryOptions,
  sleep,
} from './retry.ts'

export type QueryValue = string | number | boolean | null | undefined
export type QueryParams = Record<string, QueryValue | QueryValue[]>

export interface HttpRequest {
  method?: string
  url: string
  params?: QueryParams
  headers?: Record<string, string>
  /** Sent as JSON with `Content-Type: application/json`. */
  json?: unknown
  /** Sent as is (e.g. URLSearchParams for a form). */
  body?: string | URLSearchParams
  /** Words for errors, "could not <action> <url>"; default the method. */
  action?: string
  /** Next step for the user when this request fails; default depends on the status. */
  hint?: string
  signal?: AbortSignal
}

export interface HttpResponse {
  status: number
  headers: Headers
  /** Final URL (after redirects). */
  url: string
  text: string
  /** The body parsed as JSON; a clear error (method, URL, excerpt) when it is not JSON. */
  json(): unknown
}

export interface HttpRequester {
  request(request: HttpRequest): Promise<HttpResponse>
}

export interface HttpClientOptions {
  /** Who is asking, for messages: `Source "hubspot"`. */
  component: string
  authentication?: Authentication
  /** Headers sent with every request. */
  headers?: Record<string, string>
  retry?: Partial<RetryOptions>
  /** Requests per second (none when unset). */
  rateLimit?: number
  /** Per attempt, from sending to the end of the body. Default 30 s. */
  timeoutMs?: number
  /** The run's stop signal: aborts waits and requests at once. */
  signal?: AbortSignal
  logger?: Logger
  /** Config prefix named in hints (default `source`). */
  configPrefix?: string
  /** Config key of the URL, named in the 404 hint (default `url`; API sources use `base_url`). */
  urlKey?: string
  /** Next step per HTTP status (e.g. `{401: 'Log in again...'}`), instead of the default hint. */
  hints?: Partial<Record<number, string>>
  /** Custom credentials (e.g. a signed JWT exchange) instead of `authentication`; same retry-once on 401. */
  authenticator?: Authenticator
  /** More values to mask in messages (the token client gets its parent's secrets). */
  extraSecrets?: () => string[]
}

interface Failure {
  cause: string
  /** Excerpt of the error body. */
  body?: string
  status?: number
  retryAfterMs?: number
}

/** Header names whose values are secrets; not `authority` or `x-author`, which only look alike. */
const SECRET_HEADER =
  /^(proxy-)?authorization$|^x-auth(-|$)|cookie|token|secret|password|api[-_]?key|(^|[-_])key$|session|signature/i

export class HttpClient implements HttpRequester {
  private readonly retry: RetryOptions
  private readonly limiter?: RateLimiter
  private readonly auth?: Authenticator
  private readonly timeoutMs: number
  private readonly prefix: string

  constructor(private readonly options: HttpClientOptions) {
    this.retry = { ...defaultRetry, ...options.retry }
    this.limiter = options.rateLimit ? new RateLimiter(options.rateLimit) : undefined
    this.timeoutMs = options.timeoutMs ?? 30_000
    this.prefix = options.configPrefix ?? 'source'
    if (options.authenticator) this.auth = options.authenticator
    else if (options.authentication) {
      // The token endpoint gets the same retry policy and limits, without auth headers.
      const tokenClient = new HttpClient({
        ...options,
        authentication: undefined,
        extraSecrets: () => this.secrets(),
      })
      this.auth = createAuthenticator(options.authentication, tokenClient)
    }
  }

  /** Secrets to mask in anything shown: auth values plus secret-looking static headers. */
  secrets(): string[] {
    const headerSecrets = Object.entries(this.options.headers ?? {})
      .filter(([name]) => SECRET_HEADER.test(name))
      .map(([, value]) => value)
    return [...(this.auth?.secrets() ?? []), ...headerSecrets, ...(this.options.extraSecrets?.() ?? [])]
  }

  async request(request: HttpRequest): Promise<HttpResponse> {
    const method = (request.method ?? 'GET').toUpperCase()
    const url = buildUrl(request.url, request.params)
    const outer = anySignal(this.options.signal, request.signal)
    let reauthenticated = false
    for (let attempt = 1; ; attempt++) {
      await this.limiter?.acquire(outer)
      const failure = await this.attempt(method, url, request, outer)
      if (!('cause' in failure)) return failure
      if (failure.status === 401 && !reauthenticated && this.auth?.invalidate?.()) {
        reauthenticated = true // a stale token: one more try with a fresh one, not counted
        attempt--
        continue
      }
      const retryable = failure.status === undefined || isRetryableStatus(failure.status)
      if (!retryable || attempt >= this.retry.maxAttempts)
        throw this.error(method, url, request, failure, attempt)
      const wait = failure.retryAfterMs ?? backoffDelay(attempt, this.retry)
      this.options.logger?.warn(
        `${method} ${redactUrl(url, this.secrets())} failed (${failure.cause}${failure.body ? `: "${failure.body}"` : ''}); retry ${attempt + 1}/${this.retry.maxAttempts} in ${wait} ms`,
      )
      await sleep(wait, outer)
    }
  }

  private async attempt(
    method: string,
    url: URL,
    request: HttpRequest,
    outer: AbortSignal | undefined,
  ): Promise<HttpResponse | Failure> {
    const headers: Record<string, string> = {
      Accept: 'application/json',
      ...this.options.headers,
      ...request.headers,
    }
    let body: string | URLSearchParams | undefined = request.body
    if (request.json !== undefined) {
      body = JSON.stringify(request.json)
      headers['Content-Type'] = 'application/json'
    }
    Object.assign(headers, await this.auth?.headers(outer))
    const timeout = AbortSignal.timeout(this.timeoutMs)
    const signal = outer ? AbortSignal.any([outer, timeout]) : timeout
    const started = performance.now()
    let response: Response
    let text: string
    try {
      response = await fetch(url, { method, headers, body, signal })
      text = await response.text()
    } catch (error) {
      if (outer?.aborted) throw outer.reason
      if (timeout.aborted) return { cause: `no response within ${this.timeoutMs} ms` }
      const text = error instanceof Error ? error.message : String(error)
      // Runtime messages may quote the URL: show it the way every other message does.
      return {
        cause: redactText(
          text.replace(/https?:\/\/[^\s'"]+/g, (u) => redactUrl(u)),
          this.secrets(),
        ),
      }
    }
    const ms = Math.round(performance.now() - started)
    this.options.logger?.debug(`${method} ${redactUrl(url, this.secrets())} → ${response.status} in ${ms} ms`)
    if (!response.ok) {
      const body = excerpt(text, this.secrets())
      return {
        status: response.status,
        cause: `HTTP ${response.status} ${response.statusText}`.trim(),
        body,
        retryAfterMs: parseRetryAfter(response.headers.get('retry-after')),
      }
    }
    const finalUrl = response.url || url.toString()
    return {
      status: response.status,
      headers: response.headers,
      url: finalUrl,
      text,
      json: () => this.parseJson(method, finalUrl, text),
    }
  }

  private parseJson(method: string, url: string, text: string): unknown {
    try {
      return JSON.parse(text)
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error)
      throw new BizonError(
        'source',
        `${this.options.component} could not read the response of ${method} ${redactUrl(url, this.secrets())}: ` +
          `the body is not valid JSON (${reason}): "${excerpt(text, this.secrets())}". Check that the URL points at a JSON API.`,
      )
    }
  }

  private error(
    method: string,
    url: URL,
    request: HttpRequest,
    failure: Failure,
    attempts: number,
  ): HttpError {
    const status = failure.status
    const custom = status === undefined ? undefined : this.options.hints?.[status]
    const hint = request.hint ?? custom ?? defaultHint(status, this.prefix, this.options.urlKey ?? 'url')
    const tries = attempts > 1 ? ` after ${attempts} attempts` : ''
    const action = request.action ? `${request.action} ${method}` : method
    return new HttpError(
      `${this.options.component} could not ${action} ${redactUrl(url, this.secrets())}: ${failure.cause}${tries}` +
        `${failure.body ? `; body: "${failure.body}"` : ''}. ${hint}`,
      { status: failure.status, hint },
    )
  }
}

export function buildUrl(base: string, params: QueryParams = {}): URL {
  const url = new URL(base)
  for (const [name, value] of Object.entries(params)) {
    const values = Array.isArray(value) ? value : [value]
    url.searchParams.delete(name)
    for (const one of values)
      if (one !== undefined && one !== null) url.searchParams.append(name, String(one))
  }
  return url
}

function anySignal(...signals: (AbortSignal | undefined)[]): AbortSignal | undefined {
  const present = signals.filter((s): s is AbortSignal => s !== undefined)
  if (present.length <= 1) return present[0]
  return AbortSignal.any(present)
}

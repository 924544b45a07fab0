/** The config keys every API source shares (`base_url`, `rate_limit`, `retry`, `timeout_ms`) and how they reach HttpClient. */
import * as v from 'valibot'
import type { Logger } from '../plugin/types.ts'
import type { HttpClientOptions } from './client.ts'
import { defaultRetry, type RetryOptions } from './retry.ts'

const d = v.description

const RETRY_TEXT = 'Retries on 429, 5xx and network errors, with full-jitter backoff; `Retry-After` wins.'
const TIMEOUT_TEXT = 'Per request attempt.'
const RATE_LIMIT_TEXT = 'Most requests per second.'

/** The `retry` block with a connector's own defaults (an API that asks for patience gets more). */
export function retryConfig(defaults: Partial<RetryOptions> = {}) {
  const { maxAttempts, baseMs, maxMs } = { ...defaultRetry, ...defaults }
  return v.strictObject({
    max_attempts: v.pipe(
      v.optional(v.pipe(v.number(), v.integer(), v.minValue(1)), maxAttempts),
      d('Attempts per request, first included.'),
    ),
    backoff_base_ms: v.pipe(
      v.optional(v.pipe(v.number(), v.minValue(0)), baseMs),
      d('First backoff ceiling; doubles per attempt.'),
    ),
    backoff_max_ms: v.pipe(
      v.optional(v.pipe(v.number(), v.minValue(0)), maxMs),
      d('Largest backoff ceiling.'),
    ),
  })
}

/** The `retry` block with the default policy (5 attempts, 500 ms doubling up to 30 s). */
export const RetryConfig = retryConfig()
export type RetryConfig = v.InferOutput<typeof RetryConfig>

export interface ApiEntriesOptions<Url extends string | undefined, Rate extends number | undefined> {
  /** Default of `base_url`; `undefined` leaves it unset (the connector derives one). */
  baseUrl: Url
  /** What `base_url` is and when to change it. */
  baseUrlText: string
  /** Default of `rate_limit`; `undefined`: no limit unless configured. */
  rateLimit: Rate
  rateLimitText?: string
  retry?: Partial<RetryOptions>
  timeoutMs?: number
  timeoutText?: string
}

/** `base_url`, `rate_limit`, `retry` and `timeout_ms` with one connector's defaults and words. */
export function apiEntries<const Url extends string | undefined, const Rate extends number | undefined>(
  options: ApiEntriesOptions<Url, Rate>,
) {
  return {
    base_url: v.pipe(v.optional(v.pipe(v.string(), v.url()), options.baseUrl), d(options.baseUrlText)),
    ...limitEntries(options),
  }
}

/** `rate_limit`, `retry` and `timeout_ms` alone, for a source whose URL key is not `base_url`. */
export function limitEntries<const Rate extends number | undefined>(
  options: Pick<
    ApiEntriesOptions<undefined, Rate>,
    'rateLimit' | 'rateLimitText' | 'retry' | 'timeoutMs' | 'timeoutText'
  >,
) {
  return {
    rate_limit: v.pipe(
      v.optional(v.pipe(v.number(), v.gtValue(0)), options.rateLimit),
      d(options.rateLimitText ?? RATE_LIMIT_TEXT),
    ),
    retry: v.pipe(v.optional(retryConfig(options.retry), {}), d(RETRY_TEXT)),
    timeout_ms: v.pipe(
      v.optional(v.pipe(v.number(), v.integer(), v.minValue(1)), options.timeoutMs ?? 30_000),
      d(options.timeoutText ?? TIMEOUT_TEXT),
    ),
  }
}

/** The parsed shared keys, as any API source's config holds them. */
export interface LimitConfig {
  rate_limit?: number | undefined
  retry: RetryConfig
  timeout_ms: number
}

/**
 * HttpClient options from the shared keys and the run's context. Hints name `base_url`, the key
 * these sources keep their URL in; a source whose URL key differs passes `urlKey` after the spread.
 */
export function clientOptions(
  config: LimitConfig,
  ctx: { signal?: AbortSignal; logger?: Logger },
): Pick<HttpClientOptions, 'retry' | 'rateLimit' | 'timeoutMs' | 'signal' | 'logger' | 'urlKey'> {
  return {
    retry: {
      maxAttempts: config.retry.max_attempts,
      baseMs: config.retry.backoff_base_ms,
      maxMs: config.retry.backoff_max_ms,
    },
    rateLimit: config.rate_limit,
    timeoutMs: config.timeout_ms,
    signal: ctx.signal,
    logger: ctx.logger,
    urlKey: 'base_url',
  }
}

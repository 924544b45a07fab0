/** The shared HTTP layer for API sources: client, auth, retries, rate limit, pagination helpers. */
export type { Authenticator } from './auth.ts'
export { Authentication } from './auth-schema.ts'
export { CachedToken, type FetchedToken } from './cached-token.ts'
export {
  buildUrl,
  HttpClient,
  type HttpClientOptions,
  type HttpRequest,
  type HttpResponse,
  type QueryParams,
} from './client.ts'
export {
  type ApiEntriesOptions,
  apiEntries,
  clientOptions,
  type LimitConfig,
  limitEntries,
  RetryConfig,
  retryConfig,
} from './config.ts'
export { HttpError, httpStatus } from './http-error.ts'
export { getPath } from './json-path.ts'
export {
  nextPosition,
  type PageRequest,
  type PageResponse,
  type PaginationStyle,
  pageRequest,
  parseLinkHeader,
} from './pagination.ts'
export { probe } from './probe.ts'
export { RateLimiter } from './rate-limiter.ts'
export { excerpt, redactText, redactUrl } from './redact.ts'
export { backoffDelay, isRetryableStatus, parseRetryAfter, type RetryOptions, sleep } from './retry.ts'

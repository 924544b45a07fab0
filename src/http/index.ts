/** The shared HTTP layer for API sources: client, auth, retries, rate limit, pagination helpers. */
export { Authentication } from './auth-schema.ts'
export {
  buildUrl,
  HttpClient,
  type HttpClientOptions,
  type HttpRequest,
  type HttpResponse,
} from './client.ts'
export { getPath } from './json-path.ts'
export {
  nextPosition,
  type PageRequest,
  type PageResponse,
  type PaginationStyle,
  pageRequest,
  parseLinkHeader,
} from './pagination.ts'
export { RateLimiter } from './rate-limiter.ts'
export { excerpt, redactText, redactUrl } from './redact.ts'
export { backoffDelay, isRetryableStatus, parseRetryAfter, type RetryOptions, sleep } from './retry.ts'

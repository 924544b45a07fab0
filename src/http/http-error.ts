/** The error of a failed HTTP request, with its status, so callers branch on the field, not the message. */
import { BizonError } from '../errors.ts'
import { isRetryableStatus } from './retry.ts'

/** A request that failed for good; `status` is the HTTP status, undefined when no answer came. */
export class HttpError extends BizonError {
  readonly status?: number

  constructor(message: string, options: { status?: number; hint: string }) {
    super(options.status === undefined ? 'connection' : 'source', message, { hint: options.hint })
    this.status = options.status
  }
}

/** The HTTP status of a failed request, undefined for anything else (network errors included). */
export function httpStatus(error: unknown): number | undefined {
  return error instanceof HttpError ? error.status : undefined
}

/** The next step after a failure, by status; `prefix` and `urlKey` name the config keys to fix. */
export function defaultHint(status: number | undefined, prefix: string, urlKey: string): string {
  if (status === undefined)
    return `Check that the host is reachable, or raise ${prefix}.timeout_ms if it is slow.`
  if (status === 401 || status === 403)
    return `Check ${prefix}.authentication: the server refused the credentials.`
  if (status === 404) return `Check ${prefix}.${urlKey} and the path it names.`
  if (isRetryableStatus(status))
    return `The server kept failing: run again later or raise ${prefix}.retry.max_attempts.`
  return `Check the request parameters in ${prefix} (params, body, headers).`
}

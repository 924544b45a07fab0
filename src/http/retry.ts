/** Retry policy: which failures are retried, exponential backoff with full jitter, `Retry-After`. */
import { sleep as pause } from '../plugin/sleep.ts'

export interface RetryOptions {
  /** Total attempts including the first one (1 = no retry). */
  maxAttempts: number
  /** First backoff ceiling in ms; doubles each attempt. */
  baseMs: number
  /** Largest backoff ceiling in ms. */
  maxMs: number
}

export const defaultRetry: RetryOptions = { maxAttempts: 5, baseMs: 500, maxMs: 30_000 }

/** 429 and every 5xx are worth another try; other statuses will not change by asking again. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500
}

/**
 * Full jitter (AWS architecture blog): a uniform wait in [0, min(max, base * 2^(attempt-1))], so
 * many clients failing together do not retry in lockstep. `attempt` is the attempt that failed (1-based).
 */
export function backoffDelay(
  attempt: number,
  options: RetryOptions,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** Math.max(0, attempt - 1))
  return Math.floor(random() * ceiling)
}

/** `Retry-After` as milliseconds to wait: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(
  value: string | null | undefined,
  now: number = Date.now(),
): number | undefined {
  if (value == null) return undefined
  const text = value.trim()
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000)
  const at = Date.parse(text)
  if (Number.isNaN(at)) return undefined
  return Math.max(0, at - now)
}

/** Waits `ms`, or rejects with the signal's reason as soon as it aborts (at once when it already has). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason)
  return pause(ms, signal)
}

/** Spaces requests evenly: at most `perSecond` request starts per second (no bursts). */
import { sleep } from './retry.ts'

export class RateLimiter {
  private readonly intervalMs: number
  private nextAt = 0

  constructor(perSecond: number) {
    if (!(perSecond > 0))
      throw new Error(`rate limit must be a positive number of requests per second, got ${perSecond}`)
    this.intervalMs = 1000 / perSecond
  }

  /** Resolves when the caller may start its request; concurrent callers get consecutive slots. */
  async acquire(signal?: AbortSignal): Promise<void> {
    const now = performance.now()
    const at = Math.max(now, this.nextAt)
    this.nextAt = at + this.intervalMs
    await sleep(at - now, signal)
    // A timer that fired late (busy machine) must not shorten the gap before the next start.
    const started = performance.now()
    if (started > at) this.nextAt = Math.max(this.nextAt, started + this.intervalMs)
  }
}

/** An access token fetched on demand, kept until shortly before it expires, shared by concurrent requests. */
import type { Authenticator } from './auth.ts'

export interface FetchedToken {
  token: string
  /** Epoch ms after which the token is no longer accepted. */
  expiresAt: number
}

/** Base of the OAuth2 and Google tokens: subclasses only say how a token is fetched and what is secret. */
export abstract class CachedToken implements Authenticator {
  protected accessToken?: string
  private expiresAt = 0
  private pending?: Promise<string>

  /** `earlyMs`: refresh this long before the expiry, so a request never leaves with a token about to die. */
  constructor(private readonly earlyMs: number) {}

  protected abstract fetchToken(signal?: AbortSignal): Promise<FetchedToken>

  abstract secrets(): string[]

  /** Forgets the cached token; a 401 is worth one retry only if there was a token to forget. */
  invalidate(): boolean {
    const had = this.accessToken !== undefined
    this.accessToken = undefined
    this.expiresAt = 0
    return had
  }

  async get(signal?: AbortSignal): Promise<string> {
    if (this.accessToken && Date.now() < this.expiresAt - this.earlyMs) return this.accessToken
    // Concurrent requests share one token request.
    this.pending ??= this.fetchToken(signal)
      .then(({ token, expiresAt }) => {
        this.accessToken = token
        this.expiresAt = expiresAt
        return token
      })
      .finally(() => {
        this.pending = undefined
      })
    return this.pending
  }

  async headers(signal?: AbortSignal): Promise<Record<string, string>> {
    return { Authorization: `Bearer ${await this.get(signal)}` }
  }
}

/** OAuth2 access tokens from a token endpoint (client credentials or refresh token, reference §9.2). */
import { BizonError } from '../errors.ts'
import type { OAuthParams } from './auth-schema.ts'
import { CachedToken, type FetchedToken } from './cached-token.ts'
import type { HttpRequester } from './client.ts'
import { getPath } from './json-path.ts'

/** Refresh this long before the announced expiry so a request never leaves with a token about to die. */
const EARLY_MS = 30_000

export class OAuthToken extends CachedToken {
  private refreshToken?: string

  constructor(
    private readonly params: OAuthParams,
    private readonly client: HttpRequester,
  ) {
    super(EARLY_MS)
    this.refreshToken = params.refresh_token
  }

  secrets(): string[] {
    return [this.params.client_secret, this.refreshToken, this.params.refresh_token, this.accessToken].filter(
      (s): s is string => Boolean(s),
    )
  }

  protected async fetchToken(signal?: AbortSignal): Promise<FetchedToken> {
    const p = this.params
    const grantType = p.grant_type ?? (this.refreshToken ? 'refresh_token' : 'client_credentials')
    const form = new URLSearchParams()
    for (const [key, value] of Object.entries(p.refresh_request_body ?? {})) {
      form.set(key, typeof value === 'string' ? value : JSON.stringify(value))
    }
    form.set('grant_type', grantType)
    form.set('client_id', p.client_id)
    form.set('client_secret', p.client_secret)
    if (this.refreshToken) form.set('refresh_token', this.refreshToken)
    if (p.scopes?.length) form.set('scope', p.scopes.join(','))
    const response = await this.client.request({
      method: 'POST',
      url: p.token_refresh_endpoint,
      body: form,
      action: 'get an OAuth2 access token from',
      signal,
      hint: 'Check source.authentication.params (client_id, client_secret, refresh_token).',
    })
    const body = response.json()
    const holder = p.response_field_path ? getPath(body, p.response_field_path) : body
    const token =
      holder && typeof holder === 'object'
        ? (holder as Record<string, unknown>)[p.access_token_name]
        : undefined
    if (typeof token !== 'string' || !token) {
      throw new BizonError(
        'source',
        `The OAuth2 token endpoint answered without "${p.access_token_name}"${p.response_field_path ? ` under "${p.response_field_path}"` : ''}.`,
        { hint: 'Check source.authentication.params.access_token_name and response_field_path.' },
      )
    }
    const record = holder as Record<string, unknown>
    if (typeof record['refresh_token'] === 'string') this.refreshToken = record['refresh_token'] // rotated
    return { token, expiresAt: expiry(record[p.expires_in_name], p.token_expiry_date) }
  }
}

/** Lifetime in seconds, or a date; without either, the token is kept for an hour. */
function expiry(value: unknown, configured: string | undefined): number {
  const seconds =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && /^\d+$/.test(value)
        ? Number(value)
        : undefined
  if (seconds !== undefined) return Date.now() + seconds * 1000
  if (typeof value === 'string' && !Number.isNaN(Date.parse(value))) return Date.parse(value)
  if (configured && !Number.isNaN(Date.parse(configured))) return Date.parse(configured)
  return Date.now() + 3_600_000
}

/** Turns an `authentication` block into request headers: token, basic, cookies, OAuth2. */
import type { Authentication } from './auth-schema.ts'
import type { HttpRequester } from './client.ts'
import { OAuthToken } from './oauth.ts'

export interface Authenticator {
  /** Headers to add to a request (may fetch or refresh a token first). */
  headers(signal?: AbortSignal): Promise<Record<string, string>>
  /** Every secret value this authenticator knows, so errors and logs can mask them. */
  secrets(): string[]
  /** Called on a 401: drops a cached token; true when a retry with fresh credentials makes sense. */
  invalidate?(): boolean
}

function scheme(method: string, value: string): string {
  return method ? `${method} ${value}` : value
}

export function createAuthenticator(auth: Authentication, tokenClient: HttpRequester): Authenticator {
  switch (auth.type) {
    case 'api_key':
    case 'bearer': {
      const { token, auth_method, auth_header } = auth.params
      return { headers: async () => ({ [auth_header]: scheme(auth_method, token) }), secrets: () => [token] }
    }
    case 'basic': {
      const { username, password, auth_method, auth_header } = auth.params
      const encoded = Buffer.from(`${username}:${password}`).toString('base64')
      return {
        headers: async () => ({ [auth_header]: scheme(auth_method, encoded) }),
        secrets: () => [password, encoded],
      }
    }
    case 'cookies': {
      const { cookies, headers } = auth.params
      const cookie = Object.entries(cookies)
        .map(([name, value]) => `${name}=${value}`)
        .join('; ')
      return {
        headers: async () => ({ ...headers, Cookie: cookie }),
        secrets: () => [...Object.values(cookies), ...Object.values(headers)],
      }
    }
    case 'oauth':
      return new OAuthToken(auth.params, tokenClient)
  }
}

/** Google OAuth2 access tokens: a service account's RS256 JWT (WebCrypto) or an ADC authorized user. */
import { existsSync, readFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { BizonError } from '../../../src/errors.ts'
import { CachedToken, type FetchedToken } from '../../../src/http/cached-token.ts'
import type { HttpClient } from '../../../src/http/client.ts'

export const SCOPES = [
  'https://www.googleapis.com/auth/spreadsheets.readonly',
  'https://www.googleapis.com/auth/drive.readonly',
]
const DEFAULT_TOKEN_URI = 'https://oauth2.googleapis.com/token'
/** Lifetime asked for the JWT (Google's maximum). */
const JWT_SECONDS = 3600
/** A token is renewed this long before its announced expiry. */
const EARLY_MS = 60_000

type Key = Record<string, unknown>

const fail = (what: string, hint: string) =>
  new BizonError('source', `Source "gsheets" could not authenticate: ${what}. ${hint}`)

/** The credentials JSON: the configured key, else Application Default Credentials. */
export function loadCredentials(serviceAccountKey: string): { key: Key; origin: string } {
  let text = serviceAccountKey.trim()
  let origin = 'source.service_account_key'
  if (!text) {
    const adc = process.env['GOOGLE_APPLICATION_CREDENTIALS']
    const wellKnown = join(homedir(), '.config/gcloud/application_default_credentials.json')
    const file = adc || (existsSync(wellKnown) ? wellKnown : undefined)
    if (!file)
      throw fail(
        'no service account key and no Application Default Credentials',
        'Set source.service_account_key (e.g. file://key.json) or GOOGLE_APPLICATION_CREDENTIALS.',
      )
    origin = adc ? `GOOGLE_APPLICATION_CREDENTIALS (${file})` : file
    try {
      text = readFileSync(file, 'utf8')
    } catch (error) {
      throw fail(`cannot read ${origin}: ${(error as NodeJS.ErrnoException).code}`, 'Check the path.')
    }
  }
  let key: unknown
  try {
    key = JSON.parse(text)
  } catch {
    // Never quote the text: it is a private key.
    throw fail(
      `${origin} is not valid JSON`,
      'Paste the whole key file downloaded from the Google Cloud console.',
    )
  }
  if (!key || typeof key !== 'object') throw fail(`${origin} is not a JSON object`, 'Use a key file.')
  return { key: key as Key, origin }
}

const base64url = (bytes: Uint8Array | string) =>
  Buffer.from(bytes).toString('base64').replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_')

/** `header.claims.signature`, signed with the PKCS#8 PEM key (RSASSA-PKCS1-v1_5 with SHA-256). */
export async function signJwt(claims: Record<string, unknown>, pem: string, keyId?: string): Promise<string> {
  const der = Buffer.from(pem.replace(/-----(BEGIN|END) PRIVATE KEY-----/g, '').replace(/\s+/g, ''), 'base64')
  let key: CryptoKey
  try {
    key = await crypto.subtle.importKey('pkcs8', der, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, [
      'sign',
    ])
  } catch {
    throw fail(
      'the private_key of the service account key is not a PKCS#8 RSA key',
      'Use the key file as downloaded.',
    )
  }
  const header = { alg: 'RS256', typ: 'JWT', ...(keyId && { kid: keyId }) }
  const unsigned = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`
  const signature = await crypto.subtle.sign('RSASSA-PKCS1-v1_5', key, new TextEncoder().encode(unsigned))
  return `${unsigned}.${base64url(new Uint8Array(signature))}`
}

/** An HttpClient authenticator: the token as `Authorization: Bearer`, dropped and fetched again on a 401. */
export class GoogleToken extends CachedToken {
  private readonly tokenUri: string

  constructor(
    private readonly key: Key,
    private readonly origin: string,
    private readonly client: HttpClient,
    tokenUri: string | undefined,
  ) {
    super(EARLY_MS)
    const type = key['type']
    if (type !== 'service_account' && type !== 'authorized_user')
      throw fail(
        `${origin} has type "${String(type)}"`,
        'Use a service account key (type service_account) or gcloud ADC.',
      )
    const needed =
      type === 'service_account'
        ? ['client_email', 'private_key']
        : ['client_id', 'client_secret', 'refresh_token']
    const missing = needed.filter((name) => typeof key[name] !== 'string' || !key[name])
    if (missing.length)
      throw fail(`${origin} has no ${missing.join(', ')}`, 'Use the key file as downloaded.')
    this.tokenUri = tokenUri ?? (typeof key['token_uri'] === 'string' ? key['token_uri'] : DEFAULT_TOKEN_URI)
  }

  secrets(): string[] {
    const values = [
      this.key['private_key'],
      this.key['client_secret'],
      this.key['refresh_token'],
      this.accessToken,
    ]
    return values.filter((s): s is string => typeof s === 'string' && s.length > 0)
  }

  protected async fetchToken(signal?: AbortSignal): Promise<FetchedToken> {
    const form = new URLSearchParams()
    if (this.key['type'] === 'service_account') {
      const now = Math.floor(Date.now() / 1000)
      const claims = {
        iss: this.key['client_email'],
        scope: SCOPES.join(' '),
        aud: this.tokenUri,
        iat: now,
        exp: now + JWT_SECONDS,
      }
      const keyId = typeof this.key['private_key_id'] === 'string' ? this.key['private_key_id'] : undefined
      form.set('grant_type', 'urn:ietf:params:oauth:grant-type:jwt-bearer')
      form.set('assertion', await signJwt(claims, String(this.key['private_key']), keyId))
    } else {
      form.set('grant_type', 'refresh_token')
      form.set('client_id', String(this.key['client_id']))
      form.set('client_secret', String(this.key['client_secret']))
      form.set('refresh_token', String(this.key['refresh_token']))
    }
    const response = await this.client.request({
      method: 'POST',
      url: this.tokenUri,
      body: form,
      signal,
      action: 'get a Google access token from',
      hint: `Check ${this.origin}: the token endpoint refused it (revoked key, or wrong clock).`,
    })
    const body = response.json() as Record<string, unknown>
    if (typeof body?.['access_token'] !== 'string' || !body['access_token'])
      throw fail('the token endpoint answered without access_token', 'Check source.token_uri.')
    const seconds = Number(body['expires_in'])
    const lifetime = Number.isFinite(seconds) && seconds > 0 ? seconds : JWT_SECONDS
    return { token: body['access_token'], expiresAt: Date.now() + lifetime * 1000 }
  }
}

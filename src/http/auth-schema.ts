/** The generic `authentication: {type, params}` block (reference §2.3) as a valibot schema with docs. */
import * as v from 'valibot'

const d = v.description

const TokenParams = v.strictObject({
  token: v.pipe(
    v.string(),
    v.minLength(1),
    d('The token or API key. Use env://VAR or ${VAR} to keep it out of the file.'),
  ),
  auth_method: v.pipe(
    v.optional(v.string(), 'Bearer'),
    d('Scheme written before the token (`Bearer`, `Token`, ...); empty sends the token alone.'),
  ),
  auth_header: v.pipe(
    v.optional(v.string(), 'Authorization'),
    d('Header that carries the token, e.g. `X-API-Key`.'),
  ),
})

const BasicParams = v.strictObject({
  username: v.pipe(v.string(), d('User name.')),
  password: v.pipe(v.optional(v.string(), ''), d('Password (default empty).')),
  auth_method: v.pipe(v.optional(v.string(), 'Basic'), d('Scheme written before the base64 credentials.')),
  auth_header: v.pipe(v.optional(v.string(), 'Authorization'), d('Header that carries the credentials.')),
})

const OAuthParams = v.strictObject({
  token_refresh_endpoint: v.pipe(
    v.string(),
    v.url(),
    d('Token endpoint URL the access token is requested from.'),
  ),
  client_id: v.pipe(v.string(), d('OAuth2 client id.')),
  client_secret: v.pipe(v.string(), d('OAuth2 client secret.')),
  refresh_token: v.pipe(
    v.optional(v.string()),
    d('Refresh token. When set the default grant is `refresh_token`, otherwise `client_credentials`.'),
  ),
  scopes: v.pipe(v.optional(v.array(v.string())), d('Scopes requested, sent comma-joined as `scope`.')),
  grant_type: v.pipe(
    v.optional(v.string()),
    d('grant_type sent to the token endpoint (default: refresh_token or client_credentials).'),
  ),
  token_expiry_date: v.pipe(
    v.optional(v.string()),
    d('Expiry (ISO date) used when the token response carries no lifetime.'),
  ),
  token_expiry_date_format: v.pipe(
    v.optional(v.string()),
    d('Accepted for compatibility; expiry values that are not a number of seconds are parsed as dates.'),
  ),
  access_token_name: v.pipe(
    v.optional(v.string(), 'access_token'),
    d('Field of the token response holding the token.'),
  ),
  expires_in_name: v.pipe(
    v.optional(v.string(), 'expires_in'),
    d('Field of the token response holding its lifetime in seconds.'),
  ),
  refresh_request_body: v.pipe(
    v.optional(v.record(v.string(), v.unknown())),
    d('Extra form fields sent to the token endpoint (the standard ones win on collision).'),
  ),
  response_field_path: v.pipe(
    v.optional(v.string()),
    d('Dot path to the object holding the token inside the token response, e.g. `data`.'),
  ),
})

const CookiesParams = v.strictObject({
  cookies: v.pipe(v.record(v.string(), v.string()), d('Cookies sent with every request (name: value).')),
  headers: v.pipe(
    v.optional(v.record(v.string(), v.string()), {}),
    d('Extra headers sent with every request.'),
  ),
})

export const Authentication = v.pipe(
  v.variant('type', [
    v.strictObject({
      type: v.pipe(
        v.picklist(['api_key', 'bearer']),
        d('A token in a header: `<auth_header>: <auth_method> <token>`.'),
      ),
      params: TokenParams,
    }),
    v.strictObject({
      type: v.pipe(v.literal('basic'), d('HTTP basic authentication.')),
      params: BasicParams,
    }),
    v.strictObject({
      type: v.pipe(
        v.literal('oauth'),
        d('OAuth2 client credentials or refresh token; sends `Bearer <access token>`.'),
      ),
      params: OAuthParams,
    }),
    v.strictObject({
      type: v.pipe(v.literal('cookies'), d('Session cookies plus optional headers.')),
      params: CookiesParams,
    }),
  ]),
  d('How requests authenticate: `{type: api_key | bearer | basic | oauth | cookies, params: {...}}`.'),
)

export type Authentication = v.InferOutput<typeof Authentication>
export type OAuthParams = v.InferOutput<typeof OAuthParams>

/** HubSpot requests: the shared HTTP client plus HubSpot's rate-limit headers and auth shapes. */
import * as v from 'valibot'
import { clientOptions } from '../../../src/http/config.ts'
import { Authentication, HttpClient, type HttpRequest, sleep } from '../../../src/http/index.ts'
import type { SourceContext } from '../../../src/index.ts'
import type { HubSpotConfig } from './index.ts'

export class HubSpotApi {
  readonly client: HttpClient
  readonly base: string
  /** Set when HubSpot said the current window is used up: no request leaves before. */
  private pauseUntil = 0

  constructor(
    config: HubSpotConfig,
    private readonly ctx: SourceContext,
  ) {
    this.base = config.base_url.replace(/\/+$/, '')
    this.client = new HttpClient({
      component: 'Source "hubspot"',
      authentication: authenticationOf(config, this.base),
      ...clientOptions(config, ctx),
    })
  }

  async request(request: Omit<HttpRequest, 'url'> & { path: string }) {
    const wait = this.pauseUntil - Date.now()
    if (wait > 0) {
      this.ctx.logger.debug(`HubSpot rate limit window used up; waiting ${wait} ms.`)
      await sleep(wait, this.ctx.signal)
    }
    const response = await this.client.request({ ...request, url: `${this.base}${request.path}` })
    const remaining = response.headers.get('x-hubspot-ratelimit-remaining')
    const interval = Number(response.headers.get('x-hubspot-ratelimit-interval-milliseconds') ?? 10_000)
    if (remaining !== null && Number(remaining) <= 0) this.pauseUntil = Date.now() + interval
    return response
  }
}

function authenticationOf(config: HubSpotConfig, base: string): Authentication {
  const auth = config.authentication
  if (auth.type === 'oauth')
    return v.parse(Authentication, {
      type: 'oauth',
      params: {
        client_id: auth.params.client_id,
        client_secret: auth.params.client_secret,
        refresh_token: auth.params.refresh_token,
        token_refresh_endpoint: auth.params.token_refresh_endpoint ?? `${base}/oauth/v1/token`,
        ...(auth.params.scopes && { scopes: auth.params.scopes }),
      },
    })
  return v.parse(Authentication, { type: 'bearer', params: { token: auth.params.token } })
}

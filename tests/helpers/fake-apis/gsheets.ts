/**
 * A local Google Sheets API v4 + OAuth2 token endpoint (Bun.serve, port 0). The token endpoint checks
 * the service account's RS256 JWT with its public key (WebCrypto), as Google does; the Sheets
 * endpoints serve spreadsheet metadata and `values:batchGet` with Google's error bodies.
 */
import { type LoggedRequest, type Scripted, serveFake } from './server.ts'

export interface ServiceAccount {
  /** The key file JSON, as downloaded from the Google Cloud console. */
  json: string
  clientEmail: string
  privateKey: string
  publicKey: CryptoKey
}

/** A throwaway RSA key pair and the service account key file around it. */
export async function makeServiceAccount(tokenUri: string): Promise<ServiceAccount> {
  const pair = await crypto.subtle.generateKey(
    {
      name: 'RSASSA-PKCS1-v1_5',
      modulusLength: 2048,
      publicExponent: new Uint8Array([1, 0, 1]),
      hash: 'SHA-256',
    },
    true,
    ['sign', 'verify'],
  )
  const der = Buffer.from(await crypto.subtle.exportKey('pkcs8', pair.privateKey)).toString('base64')
  const privateKey = `-----BEGIN PRIVATE KEY-----\n${der.match(/.{1,64}/g)!.join('\n')}\n-----END PRIVATE KEY-----\n`
  const clientEmail = 'bizon@test-project.iam.gserviceaccount.com'
  const json = JSON.stringify({
    type: 'service_account',
    project_id: 'test-project',
    private_key_id: 'k1',
    private_key: privateKey,
    client_email: clientEmail,
    client_id: '999999999999',
    token_uri: tokenUri,
  })
  return { json, clientEmail, privateKey, publicKey: pair.publicKey }
}

export type Canned = Scripted
export type GsheetsRequest = LoggedRequest

export interface FakeGsheets {
  url: string
  tokenUrl: string
  spreadsheetId: string
  spreadsheetUrl: string
  requests: GsheetsRequest[]
  /** Tokens issued so far. */
  tokensIssued(): number
  revokeTokens(): void
  /** Every Sheets request waits this long before it is answered (a slow API, for crash tests). */
  slow(ms: number): void
  script(path: string, ...responses: Canned[]): void
  stop(): Promise<void>
}

export interface SheetData {
  title: string
  /** Grid rows (includes empty rows below the data). */
  rowCount: number
  /** Cell values by row, header first; trailing empty cells and rows are left out as the API does. */
  values: string[][]
}

const googleError = (code: number, status: string, message: string) =>
  Response.json({ error: { code, message, status } }, { status: code })

const fromB64url = (text: string) => Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64')

export function startFakeGsheets(account: () => ServiceAccount, sheets: SheetData[]): FakeGsheets {
  const spreadsheetId = '1AbCdEfGhIjKlMnOpQrStUvWxYz_0123456789-abc'
  const tokens = new Set<string>()
  let issued = 0
  let origin = ''
  let delayMs = 0

  async function token(body: string): Promise<Response> {
    const form = new URLSearchParams(body)
    const bad = (why: string) =>
      Response.json({ error: 'invalid_grant', error_description: why }, { status: 400 })
    if (form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:jwt-bearer')
      return bad('Unsupported grant type.')
    const [header, claims, signature] = (form.get('assertion') ?? '').split('.')
    if (!header || !claims || !signature) return bad('Invalid JWT.')
    const ok = await crypto.subtle.verify(
      'RSASSA-PKCS1-v1_5',
      account().publicKey,
      fromB64url(signature),
      new TextEncoder().encode(`${header}.${claims}`),
    )
    if (!ok) return bad('Invalid JWT Signature.')
    const h = JSON.parse(fromB64url(header).toString())
    const c = JSON.parse(fromB64url(claims).toString())
    const now = Date.now() / 1000
    if (h.alg !== 'RS256') return bad('Invalid JWT algorithm.')
    if (c.iss !== account().clientEmail) return bad('Invalid issuer.')
    if (c.aud !== `${origin}/token`) return bad('Invalid JWT audience.')
    if (!String(c.scope).split(' ').includes('https://www.googleapis.com/auth/spreadsheets.readonly'))
      return bad('Invalid scope.')
    if (!(c.iat <= now + 5 && c.exp > now && c.exp - c.iat <= 3600))
      return bad('Invalid JWT: Token must be a short-lived token.')
    const accessToken = `ya29.fake-${++issued}-${crypto.randomUUID()}`
    tokens.add(accessToken)
    return Response.json({ access_token: accessToken, expires_in: 3599, token_type: 'Bearer' })
  }

  /** Rows `from`..`to` (1-based) of a sheet, trailing empty rows left out. */
  function rows(sheet: SheetData, from: number, to: number): string[][] {
    const slice = sheet.values.slice(from - 1, to)
    while (slice.length && slice.at(-1)!.length === 0) slice.pop()
    return slice
  }

  function sheetsApi(path: string, query: URLSearchParams): Response {
    const match = /^\/v4\/spreadsheets\/([^/:]+)(\/values:batchGet)?$/.exec(path)
    if (!match || match[1] !== spreadsheetId)
      return googleError(404, 'NOT_FOUND', 'Requested entity was not found.')
    if (!match[2])
      return Response.json({
        sheets: sheets.map((s, i) => ({
          properties: {
            sheetId: i,
            title: s.title,
            gridProperties: { rowCount: s.rowCount, columnCount: 26 },
          },
        })),
      })
    const valueRanges = []
    for (const range of query.getAll('ranges')) {
      const a1 = /^'((?:[^']|'')*)'!(\d+):(\d+)$/.exec(range)
      const sheet = a1 && sheets.find((s) => s.title === a1[1]!.replaceAll("''", "'"))
      if (!a1 || !sheet) return googleError(400, 'INVALID_ARGUMENT', `Unable to parse range: ${range}`)
      const values = rows(sheet, Number(a1[2]), Number(a1[3]))
      valueRanges.push({ range, majorDimension: 'ROWS', ...(values.length && { values }) })
    }
    return Response.json({ spreadsheetId, valueRanges })
  }

  const server = serveFake(async (req, url, body) => {
    if (url.pathname === '/token' && req.method === 'POST') return token(body)
    const auth = req.headers.get('authorization') ?? ''
    if (!tokens.has(auth.replace(/^Bearer /, '')))
      return googleError(
        401,
        'UNAUTHENTICATED',
        'Request had invalid authentication credentials. Expected OAuth 2 access token.',
      )
    if (delayMs) await Bun.sleep(delayMs)
    return sheetsApi(url.pathname, url.searchParams)
  })
  origin = server.origin

  return {
    url: origin,
    tokenUrl: `${origin}/token`,
    spreadsheetId,
    spreadsheetUrl: `https://docs.google.com/spreadsheets/d/${spreadsheetId}/edit#gid=0`,
    requests: server.requests,
    tokensIssued: () => issued,
    revokeTokens: () => tokens.clear(),
    slow: (ms) => {
      delayMs = ms
    },
    script: server.script,
    stop: server.stop,
  }
}

import { afterAll, describe, expect, test } from 'bun:test'
import decl from '../../../../connectors/sources/gsheets/index.ts'
import { drain, failure, type Logged, openSource } from '../../../helpers/fake-apis/drive.ts'
import {
  makeServiceAccount,
  type ServiceAccount,
  startFakeGsheets,
} from '../../../helpers/fake-apis/gsheets.ts'
import { firstRecord, peopleIds, peopleSheet } from './sheet.ts'

let account: ServiceAccount
const dupSheet = {
  title: "Bob's dups",
  rowCount: 5,
  values: [
    ['id', 'Name', 'Name', 'id'],
    ['1', 'a', 'b', '1'],
  ],
}
const api = startFakeGsheets(() => account, [peopleSheet(), dupSheet])
account = await makeServiceAccount(api.tokenUrl)
const stranger = await makeServiceAccount(api.tokenUrl) // a key Google does not know
afterAll(() => api.stop())

const config = (extra: Record<string, unknown> = {}) => ({
  spreadsheet_url: api.spreadsheetUrl,
  worksheet_name: 'People',
  service_account_key: account.json,
  page_size: 10,
  base_url: api.url,
  rate_limit: 1000,
  retry: { max_attempts: 4, backoff_base_ms: 5, backoff_max_ms: 20 },
  ...extra,
})
const open = (extra?: Record<string, unknown>, logs?: Logged[]) =>
  openSource(decl, 'worksheet', config(extra), { logs })
const read = async (extra?: Record<string, unknown>) =>
  (await open(extra)).read({ stream: 'worksheet', pagination: {} })

describe('gsheets source', () => {
  test('reads every row keyed by the SQL-style header names, numbers as numbers, one token for the run', async () => {
    const tokens = api.tokensIssued()
    const result = await drain(await open(), 'worksheet')
    expect(result.ids).toEqual(peopleIds)
    expect(result.records[0]).toEqual(firstRecord)
    expect(result.records[1]).toEqual({
      name: 'Doe 1',
      first_name: 'Jo 1',
      age: 21,
      score: '1,000',
      notes: '',
    })
    expect(result.paginations).toEqual([{ row: 12 }, { row: 22 }, { row: 32 }])
    expect(api.tokensIssued() - tokens).toBe(1)
    const batch = api.requests.find((r) => r.path.endsWith('/values:batchGet'))!
    expect(batch.params.getAll('ranges')).toEqual(["'People'!1:1", "'People'!2:11"])
  })

  test('column_names keeps those columns; a missing or duplicated one is a clear error', async () => {
    const page = await read({ column_names: ['FirstName', 'Age'], convert_column_names_to_sql_format: false })
    expect(page.records[0]!.data).toEqual({ FirstName: 'Jo 0', Age: 20 })
    expect((await failure(read({ column_names: ['Age', 'Email'] }))).message).toBe(
      'Source "gsheets" could not read the worksheet: column "Email" not found in the header row ("Name", "FirstName", "Age", "Score", "Notes"). Check source.column_names.',
    )
    expect((await failure(read({ worksheet_name: "Bob's dups" }))).message).toBe(
      'Source "gsheets" could not read the worksheet: column names are not unique: "Name", "id" (columns: "id", "Name", "Name", "id"). Rename the duplicated columns in the sheet, or list the ones to keep in source.column_names.',
    )
    const picked = await read({ worksheet_name: "Bob's dups", column_names: ['id'] })
    expect(picked.records.map((r) => r.data)).toEqual([{ id: 1 }])
  })

  test('a missing worksheet names the ones that exist', async () => {
    const source = await open({ worksheet_name: 'Peeple' })
    expect(await source.check!()).toEqual({
      ok: false,
      detail: `Source "gsheets" could not read the worksheet "Peeple": no such worksheet; the spreadsheet has "People", "Bob's dups". Check source.worksheet_name.`,
    })
  })

  test('a key Google refuses fails at the token endpoint without showing the key', async () => {
    const error = await failure(read({ service_account_key: stranger.json }))
    expect(error.message).toMatch(
      /^Source "gsheets" could not get a Google access token from POST http:\/\/127\.0\.0\.1:\d+\/token: HTTP 400 Bad Request; body: "\{"error":"invalid_grant","error_description":"Invalid JWT Signature\."\}"\. Check source\.service_account_key: the token endpoint refused it/,
    )
    expect(error.message).not.toContain(stranger.privateKey.split('\n')[1]!)
    const notJson = await failure(open({ service_account_key: '{"private_key": "-----BEGIN' }))
    expect(notJson.message).toBe(
      'Source "gsheets" could not authenticate: source.service_account_key is not valid JSON. Paste the whole key file downloaded from the Google Cloud console.',
    )
  })

  test('a 401 (revoked token) gets a new token once; an unshared spreadsheet says to share it', async () => {
    const source = await open()
    await source.read({ stream: 'worksheet', pagination: {} })
    api.revokeTokens()
    const tokens = api.tokensIssued()
    const page = await source.read({ stream: 'worksheet', pagination: { row: 12 } })
    expect(page.records.length).toBe(10)
    expect(api.tokensIssued() - tokens).toBe(1)
    const path = `/v4/spreadsheets/${api.spreadsheetId}`
    api.script(path, {
      status: 403,
      body: '{"error":{"code":403,"message":"The caller does not have permission","status":"PERMISSION_DENIED"}}',
    })
    const error = await failure(read())
    expect(error.message).toEndWith(
      `HTTP 403 Forbidden; body: "{"error":{"code":403,"message":"The caller does not have permission","status":"PERMISSION_DENIED"}}". Check source.spreadsheet_url, and that the spreadsheet is shared with ${account.clientEmail}.`,
    )
  })

  test('429 with Retry-After and 5xx are retried until the rows come', async () => {
    const path = `/v4/spreadsheets/${api.spreadsheetId}/values:batchGet`
    const quota =
      '{"error":{"code":429,"message":"Quota exceeded for quota metric \'Read requests\'","status":"RESOURCE_EXHAUSTED"}}'
    api.script(
      path,
      { status: 429, body: quota, headers: { 'Retry-After': '1' } },
      { status: 503, body: 'backend error' },
    )
    const started = performance.now()
    const result = await drain(await open(), 'worksheet')
    expect(performance.now() - started).toBeGreaterThanOrEqual(950)
    expect(result.ids).toEqual(peopleIds)
  })

  test('a malformed page fails with a clear error', async () => {
    api.script(`/v4/spreadsheets/${api.spreadsheetId}/values:batchGet`, {
      status: 200,
      body: '{"spreadsheetId":"x"}',
    })
    expect((await failure(read())).message).toBe(
      'Source "gsheets" could not read the worksheet "People": the answer has no valueRanges for the header and rows 2-11: "{"spreadsheetId":"x"}". Check source.base_url.',
    )
  })

  test('without a key, Application Default Credentials are read from GOOGLE_APPLICATION_CREDENTIALS', async () => {
    const file = `${process.env['TMPDIR'] ?? '/tmp'}/bizon-adc-${crypto.randomUUID()}.json`
    await Bun.write(file, account.json)
    const saved = process.env['GOOGLE_APPLICATION_CREDENTIALS']
    process.env['GOOGLE_APPLICATION_CREDENTIALS'] = file
    try {
      const page = await read({ service_account_key: '' })
      expect(page.records[0]!.data).toEqual(firstRecord)
    } finally {
      if (saved === undefined) delete process.env['GOOGLE_APPLICATION_CREDENTIALS']
      else process.env['GOOGLE_APPLICATION_CREDENTIALS'] = saved
      await Bun.file(file).delete()
    }
  })
})

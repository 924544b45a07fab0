import { afterAll, expect, test } from 'bun:test'
import decl from '../../../../connectors/sources/gsheets/index.ts'
import { sourceSuite } from '../../../conformance/source.suite.ts'
import { loadExamples } from '../../../helpers/fake-apis/drive.ts'
import {
  makeServiceAccount,
  type ServiceAccount,
  startFakeGsheets,
} from '../../../helpers/fake-apis/gsheets.ts'
import { peopleIds, peopleSheet } from './sheet.ts'

let account: ServiceAccount
const api = startFakeGsheets(() => account, [peopleSheet()])
account = await makeServiceAccount(api.tokenUrl)
afterAll(() => api.stop())

sourceSuite('gsheets', {
  decl,
  config: {
    spreadsheet_url: api.spreadsheetUrl,
    worksheet_name: 'People',
    service_account_key: account.json,
    page_size: 7,
    base_url: api.url,
    rate_limit: 1000,
  },
  stream: 'worksheet',
  expect: { ids: peopleIds },
})

test('the example pipeline loads with the real config loader', async () => {
  expect(await loadExamples(decl, { GOOGLE_SERVICE_ACCOUNT_KEY: '{}' })).toEqual([
    'gsheets-incremental.yml: gsheets',
    'gsheets-worksheet-to-file.yml: gsheets',
  ])
})

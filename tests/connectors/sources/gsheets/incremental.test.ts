import { afterAll, describe, expect, test } from 'bun:test'
import decl from '../../../../connectors/sources/gsheets/index.ts'
import { drain, failure, openSource } from '../../../helpers/fake-apis/drive.ts'
import {
  makeServiceAccount,
  type ServiceAccount,
  startFakeGsheets,
} from '../../../helpers/fake-apis/gsheets.ts'
import { ordersSheet } from './sheet.ts'

let account: ServiceAccount
const orders = ordersSheet(12)
const api = startFakeGsheets(() => account, [orders])
account = await makeServiceAccount(api.tokenUrl)
afterAll(() => api.stop())

const config = {
  spreadsheet_url: api.spreadsheetUrl,
  worksheet_name: 'Orders',
  service_account_key: account.json,
  page_size: 5,
  base_url: api.url,
  rate_limit: 1000,
}
const open = (cursorField?: string) =>
  openSource(decl, 'worksheet', config, { syncMode: 'incremental', cursorField })

describe('gsheets incremental', () => {
  test('the first run reads every row and keeps the highest cursor cell as state', async () => {
    const result = await drain(await open('updated_at'), 'worksheet')
    expect(result.ids).toEqual(Array.from({ length: 12 }, (_, i) => i + 2))
    expect(result.state).toEqual({ field: 'updated_at', value: '2024-01-01 12:00:00' })
    expect(result.paginations).toEqual([
      { row: 7, seen: '2024-01-01 05:00:00' },
      { row: 12, seen: '2024-01-01 10:00:00' },
    ])
  })

  test('a later run reads only rows changed after the stored state, then after the watermark', async () => {
    const state = { field: 'UpdatedAt', value: '2024-01-01 09:00:00' }
    const newer = await drain(await open('UpdatedAt'), 'worksheet', {}, { lastRun: new Date(0), state })
    expect(newer.records.map((d) => d['order_id'])).toEqual(['o-10', 'o-11', 'o-12'])
    expect(newer.state).toEqual({ field: 'UpdatedAt', value: '2024-01-01 12:00:00' })
    // no state yet (e.g. the previous run predates it): the previous run's start time is the watermark
    const byWatermark = await drain(
      await open('UpdatedAt'),
      'worksheet',
      {},
      {
        lastRun: new Date('2024-01-01T11:30:00Z'),
        state: undefined,
      },
    )
    expect(byWatermark.records.map((d) => d['order_id'])).toEqual(['o-12'])
  })

  test('a run that finds nothing newer hands the previous state on', async () => {
    const state = { field: 'updated_at', value: '2024-01-01 12:00:00' }
    const none = await drain(await open('updated_at'), 'worksheet', {}, { lastRun: new Date(), state })
    expect(none.ids).toEqual([])
    expect(none.state).toEqual(state)
  })

  test('cursor_field must be set and must name a column', async () => {
    expect((await failure(open())).message).toBe(
      'Source "gsheets" needs source.cursor_field for sync_mode incremental: the column holding each row\'s last change time.',
    )
    const source = await open('modified')
    expect((await failure(source.read({ stream: 'worksheet', pagination: {} }))).message).toBe(
      'Source "gsheets" could not read the worksheet incrementally: cursor_field "modified" is not in the header row ("OrderId", "UpdatedAt", "Amount"). Check source.cursor_field.',
    )
  })
})

/** The `gsheets` source: worksheet metadata, then `values:batchGet` of the header and `page_size` rows. */

import { BizonError } from '../../../src/errors.ts'
import { HttpClient, type HttpResponse, type QueryParams } from '../../../src/http/client.ts'
import { clientOptions } from '../../../src/http/config.ts'
import { probe } from '../../../src/http/probe.ts'
import { excerpt } from '../../../src/http/redact.ts'
import type {
  IncrementalInfo,
  Page,
  Pagination,
  Source,
  SourceContext,
  SourceRecord,
} from '../../../src/index.ts'
import { GoogleToken, loadCredentials } from './google-auth.ts'
import { type CursorState, cursorColumn, newerRows } from './incremental.ts'
import type { GsheetsConfig } from './index.ts'
import { cellTime, selectColumns, sheetRows, toRecords } from './rows.ts'

const COMPONENT = 'Source "gsheets"'

interface Sheet {
  title: string
  rowCount: number
}

/** A worksheet title in A1 notation: always quoted, quotes doubled. */
const a1 = (title: string) => `'${title.replaceAll("'", "''")}'`

export function createGsheetsSource(
  config: GsheetsConfig & { cursor_field?: string },
  ctx: SourceContext,
): Source {
  const spreadsheetId = /\/spreadsheets\/d\/([a-zA-Z0-9-_]+)/.exec(config.spreadsheet_url)![1]!
  const cursorField = ctx.syncMode === 'incremental' ? config.cursor_field : undefined
  if (ctx.syncMode === 'incremental' && !cursorField)
    throw new BizonError(
      'config',
      `${COMPONENT} needs source.cursor_field for sync_mode incremental: the column holding each row's last change time.`,
      { path: 'source.cursor_field' },
    )
  const { key, origin } = loadCredentials(config.service_account_key)
  const options = { component: COMPONENT, ...clientOptions(config, ctx) }
  // The token endpoint is not the Sheets API: it is not held to the Sheets rate limit.
  const tokenClient = new HttpClient({
    ...options,
    rateLimit: undefined,
    extraSecrets: () => token.secrets(),
  })
  const token: GoogleToken = new GoogleToken(key, origin, tokenClient, config.token_uri)
  const shareHint = `Check source.spreadsheet_url, and that the spreadsheet is shared with ${String(key['client_email'] ?? 'these credentials')}.`
  const api = new HttpClient({
    ...options,
    authenticator: token,
    hints: { 401: shareHint, 403: shareHint, 404: shareHint },
  })
  const root = `${config.base_url.replace(/\/+$/, '')}/v4/spreadsheets/${spreadsheetId}`
  let sheet: Sheet | undefined

  const fail = (what: string, hint: string) =>
    new BizonError(
      'source',
      `${COMPONENT} could not read the worksheet "${config.worksheet_name}": ${what}. ${hint}`,
    )

  const get = (url: string, params: QueryParams, action: string): Promise<HttpResponse> =>
    api.request({ url, params, action })

  async function worksheet(): Promise<Sheet> {
    if (sheet) return sheet
    const response = await get(
      root,
      { fields: 'sheets.properties(title,gridProperties(rowCount,columnCount))' },
      'read the worksheets of',
    )
    const sheets = (
      response.json() as {
        sheets?: { properties?: { title?: string; gridProperties?: { rowCount?: number } } }[]
      }
    )?.sheets
    if (!Array.isArray(sheets))
      throw fail(
        `the spreadsheet metadata has no sheets: "${excerpt(response.text, token.secrets())}"`,
        'Check source.base_url.',
      )
    const found = sheets.find((s) => s?.properties?.title === config.worksheet_name)?.properties
    if (!found) {
      const names = sheets.map((s) => `"${s?.properties?.title}"`).join(', ')
      throw fail(`no such worksheet; the spreadsheet has ${names}`, 'Check source.worksheet_name.')
    }
    sheet = { title: config.worksheet_name, rowCount: Number(found.gridProperties?.rowCount ?? 0) }
    return sheet
  }

  async function read(pagination: Pagination, incremental?: IncrementalInfo): Promise<Page> {
    const { title, rowCount } = await worksheet()
    const start = Number(pagination['row'] ?? 2)
    if (start > rowCount) {
      // Nothing below the header: hand the previous state on unchanged.
      const kept = (incremental?.state as CursorState | undefined)?.value
      return {
        records: [],
        next: null,
        ...(cursorField && kept && { state: { field: cursorField, value: kept } }),
      }
    }
    const end = Math.min(rowCount, start + config.page_size - 1)
    const response = await get(
      `${root}/values:batchGet`,
      {
        ranges: [`${a1(title)}!1:1`, `${a1(title)}!${start}:${end}`],
        majorDimension: 'ROWS',
        valueRenderOption: 'FORMATTED_VALUE',
      },
      'read rows of',
    )
    const ranges = (response.json() as { valueRanges?: { values?: unknown[][] }[] })?.valueRanges
    const values = ranges?.[1]?.values ?? []
    if (!Array.isArray(ranges) || ranges.length !== 2 || !Array.isArray(values))
      throw fail(
        `the answer has no valueRanges for the header and rows ${start}-${end}: "${excerpt(response.text, token.secrets())}"`,
        'Check source.base_url.',
      )
    const header = (ranges[0]?.values?.[0] ?? []).map((cell) => String(cell ?? ''))
    if (header.length === 0) throw fail('the header row (row 1) is empty', 'Put the column names in row 1.')
    const columns = selectColumns(header, config.column_names)
    let rows = sheetRows(values, start)
    let seen: string | undefined
    const column = cursorField ? cursorColumn(header, cursorField) : -1
    if (cursorField) {
      const stored = typeof pagination['seen'] === 'string' ? pagination['seen'] : undefined
      ;({ rows, seen } = newerRows(rows, column, incremental, stored))
    }
    const records = toRecords(header, columns, rows, config.convert_column_names_to_sql_format).map(
      (record, i): SourceRecord => {
        const at = column >= 0 ? cellTime(rows[i]!.cells[column]) : undefined
        return at ? { ...record, timestamp: at } : record
      },
    )
    const page: Page = { records, next: end < rowCount ? { row: end + 1, ...(seen && { seen }) } : null }
    if (cursorField && seen) page.state = { field: cursorField, value: seen } satisfies CursorState
    return page
  }

  return {
    check: () => probe(() => worksheet()),
    read: ({ pagination, incremental }) => read(pagination, incremental),
  }
}

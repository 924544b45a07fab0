/** Source `gsheets`: the rows of one worksheet of a Google Sheets spreadsheet (Sheets API v4). */
import { apiEntries } from '../../../src/http/config.ts'
import { defineSource, v } from '../../../src/index.ts'

const d = v.description

export const GsheetsConfig = v.object({
  spreadsheet_url: v.pipe(
    v.string(),
    v.regex(
      /\/spreadsheets\/d\/[a-zA-Z0-9-_]+/,
      'Expected a Google Sheets URL: https://docs.google.com/spreadsheets/d/<id>/...',
    ),
    d('URL of the spreadsheet (`https://docs.google.com/spreadsheets/d/<id>/edit`).'),
  ),
  worksheet_name: v.pipe(v.string(), v.minLength(1), d('Name (tab title) of the worksheet to read.')),
  service_account_key: v.pipe(
    v.optional(v.string(), ''),
    d(
      'Service account key JSON (use `file://key.json` or `env://VAR`); empty: Application Default Credentials (GOOGLE_APPLICATION_CREDENTIALS or the gcloud ADC file).',
    ),
  ),
  column_names: v.pipe(
    v.optional(v.array(v.string()), []),
    d('Columns to keep (header names; each must exist); empty keeps every column.'),
  ),
  convert_column_names_to_sql_format: v.pipe(
    v.optional(v.boolean(), true),
    d('Rename fields as upstream: `_` before each inner capital, lower case, spaces to `_`.'),
  ),
  page_size: v.pipe(
    v.optional(v.pipe(v.number(), v.integer(), v.minValue(1)), 10_000),
    d('Sheet rows per request (one iteration).'),
  ),
  token_uri: v.pipe(
    v.optional(v.pipe(v.string(), v.url())),
    d("OAuth2 token endpoint; default the key's `token_uri` (https://oauth2.googleapis.com/token)."),
  ),
  ...apiEntries({
    baseUrl: 'https://sheets.googleapis.com',
    baseUrlText: 'Sheets API root; change it only for a proxy or a test server.',
    rateLimit: 1,
    rateLimitText: 'Most requests per second (the Sheets API allows 60 reads per minute per user).',
    retry: { baseMs: 1000, maxMs: 60_000 },
    timeoutMs: 60_000,
  }),
})
export type GsheetsConfig = v.InferOutput<typeof GsheetsConfig>

export default defineSource({
  name: 'gsheets',
  summary: 'Rows of a Google Sheets worksheet, one record per row, keyed by the header row.',
  streams: {
    worksheet: { incremental: true, description: 'The rows of `worksheet_name` under its header row.' },
  },
  config: GsheetsConfig,
  docs: [
    'Row 1 is the header: its names must be unique (the error lists the duplicates; `column_names`',
    'picks a subset instead). Each later row is a record keyed by those names, cells as displayed',
    'with numbers turned into numbers and empty cells as `""` (as gspread `get_all_records`); empty',
    'rows are skipped. The record id is the row number in the sheet (upstream drew a random UUID).',
    '',
    'Rows are read `page_size` at a time with `values:batchGet` (header and rows in one request); the',
    'pagination is `{row}`, the next sheet row, so a killed run resumes where it stopped. The worksheet',
    'list is read first: a missing worksheet fails with the names of those that exist.',
    '',
    "Incremental (`sync_mode: incremental`, `cursor_field`: the column holding each row's last change",
    'time, by its sheet or SQL-style name): the first run reads every row; later runs keep the rows',
    'whose cursor cell is later than the highest one the previous run saw (kept as the job state), or',
    'than its start time when there is no state. Cells are read as times (ISO-like text without an',
    'offset as UTC); rows whose cursor cell is empty or not a time are skipped by later runs.',
    '',
    'Authentication: a service account key (`service_account_key`, JSON) signs an RS256 JWT that is',
    'exchanged at the token URI for an access token (scopes spreadsheets.readonly and drive.readonly),',
    'cached until shortly before it expires. Without a key, Application Default Credentials are used:',
    'the JSON file named by GOOGLE_APPLICATION_CREDENTIALS, else the gcloud ADC file (service account or',
    'authorized user). The key and tokens are masked in every message.',
    '',
    'Limits: the Sheets API allows 60 read requests per minute per user; requests are spaced at',
    '`rate_limit` per second (default 1). 429 and 5xx are retried honouring `Retry-After`. No total:',
    'the API has no row count (the grid size includes empty rows).',
    '',
    'Tested against a local server implementing the documented endpoints, not the live API.',
  ].join('\n'),
  async create(config, ctx) {
    const { createGsheetsSource } = await import('./source.ts')
    return createGsheetsSource(config, ctx)
  },
})

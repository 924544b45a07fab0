/** End to end through the CLI: `bizon run` with the connector loaded as a custom source file. */
import { afterAll, expect, setDefaultTimeout, test } from 'bun:test'
import { join } from 'node:path'
import { runCli } from '../../../helpers/cli.ts'
import { connectorIndex } from '../../../helpers/fake-apis/drive.ts'
import {
  makeServiceAccount,
  type ServiceAccount,
  startFakeGsheets,
} from '../../../helpers/fake-apis/gsheets.ts'
import { readLines, writePipeline } from '../../../helpers/pipeline.ts'
import { tempDir } from '../../../helpers/tmp.ts'
import { firstRecord, peopleIds, peopleSheet } from './sheet.ts'

setDefaultTimeout(30_000)
let account: ServiceAccount
const api = startFakeGsheets(() => account, [peopleSheet()])
account = await makeServiceAccount(api.tokenUrl)
afterAll(() => api.stop())

test('bizon run reads the worksheet with a key file:// reference, the key never printed', async () => {
  const dir = tempDir()
  writePipeline(dir, 'key.json', account.json)
  writePipeline(
    dir,
    'p.yml',
    `name: gsheets_e2e
source:
  name: gsheets
  stream: worksheet
  spreadsheet_url: ${api.spreadsheetUrl}
  worksheet_name: People
  service_account_key: file://key.json
  page_size: 8
  base_url: ${api.url}
  rate_limit: 100
destination:
  name: file
  config:
    destination_id: people
    buffer_size: 0
engine:
  runner:
    log_level: DEBUG
`,
  )
  const result = await runCli(['run', 'p.yml', '--custom-source', connectorIndex('gsheets')], { cwd: dir })
  expect(result.stderr).not.toContain(account.privateKey.split('\n')[1]!)
  expect(result.stderr).not.toContain('ya29.')
  expect(result.code).toBe(0)
  const lines = readLines(join(dir, 'people.json'))
  expect(lines.map((l) => Number(l.source_record_id))).toEqual(peopleIds)
  expect(JSON.parse(lines[0]!.source_data)).toEqual(firstRecord)
})

/** Kill -9 an incremental gsheets run mid-way: the rerun resumes from the stored pagination and loses nothing. */
import { afterAll, expect, setDefaultTimeout, test } from 'bun:test'
import { join } from 'node:path'
import { runCli, spawnCli } from '../../../helpers/cli.ts'
import { connectorIndex } from '../../../helpers/fake-apis/drive.ts'
import {
  makeServiceAccount,
  type ServiceAccount,
  startFakeGsheets,
} from '../../../helpers/fake-apis/gsheets.ts'
import { sourceIds, stateRows, writePipeline } from '../../../helpers/pipeline.ts'
import { tempDir } from '../../../helpers/tmp.ts'
import { ordersSheet } from './sheet.ts'

setDefaultTimeout(60_000)
let account: ServiceAccount
const api = startFakeGsheets(() => account, [ordersSheet(60)])
account = await makeServiceAccount(api.tokenUrl)
afterAll(() => api.stop())

const written = (dir: string) =>
  Number(
    stateRows(dir, 'select coalesce(sum(rows_written), 0) as n from destination_cursors where success = 1')[0]
      ?.n ?? 0,
  )

test('SIGKILL after some pages: the rerun resumes after the last written page', async () => {
  const dir = tempDir()
  writePipeline(dir, 'key.json', account.json)
  writePipeline(
    dir,
    'p.yml',
    `name: gsheets_crash
source:
  name: gsheets
  stream: worksheet
  sync_mode: incremental
  cursor_field: updated_at
  spreadsheet_url: ${api.spreadsheetUrl}
  worksheet_name: Orders
  service_account_key: file://key.json
  page_size: 5
  base_url: ${api.url}
  rate_limit: 100
destination:
  name: file
  config:
    destination_id: orders
    buffer_size: 0
`,
  )
  const args = ['run', 'p.yml', '--custom-source', connectorIndex('gsheets')]
  api.slow(150)
  const run = spawnCli(args, { cwd: dir })
  const deadline = Date.now() + 20_000
  while (written(dir) < 15 && Date.now() < deadline && run.proc.exitCode === null) await Bun.sleep(10)
  run.kill('SIGKILL')
  expect((await run.exited).code).toBe(137)
  expect(written(dir)).toBeLessThan(60)

  api.slow(0)
  const before = api.requests.length
  const rerun = await runCli(args, { cwd: dir })
  expect(rerun.code).toBe(0)
  expect(rerun.stderr).toMatch(/Resuming job [0-9a-f]{32} after iteration \d+/)
  const firstRange = api.requests
    .slice(before)
    .find((r) => r.path.endsWith('/values:batchGet'))!
    .params.getAll('ranges')[1]
  expect(Number(/!(\d+):/.exec(firstRange!)![1])).toBeGreaterThan(2)
  const ids = sourceIds(join(dir, 'orders.json'))
  const all = Array.from({ length: 60 }, (_, i) => String(i + 2))
  expect([...new Set(ids)].sort((a, b) => Number(a) - Number(b))).toEqual(all)
  // at-least-once: only a page written but not yet checkpointed can come twice
  expect(ids.length - all.length).toBeLessThanOrEqual(5)
  expect(stateRows(dir, 'select status from stream_jobs').map((j) => j.status)).toEqual(['succeeded'])
})

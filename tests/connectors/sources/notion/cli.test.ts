/** End to end through the CLI: incremental runs, and a run killed mid-way that resumes from its stored pagination. */
import { afterAll, expect, setDefaultTimeout, test } from 'bun:test'
import { join } from 'node:path'
import { REPO, runCli, spawnCli } from '../../../helpers/cli.ts'
import { startFakeNotion } from '../../../helpers/fake-apis/notion.ts'
import { sourceIds, writePipeline } from '../../../helpers/pipeline.ts'
import { tempDir } from '../../../helpers/tmp.ts'

setDefaultTimeout(60_000)
const TOKEN = 'ntn_cli_secret_5566778899'
const api = startFakeNotion({ token: TOKEN })
afterAll(() => api.stop())
const SOURCE = join(REPO, 'connectors/sources/notion/index.ts')
const env = { NOTION_TOKEN: TOKEN }

const pipeline = (name: string, pageSize: number) => `name: ${name}
source:
  name: notion
  stream: pages
  sync_mode: incremental
  cursor_field: last_edited_time
  base_url: ${api.baseUrl}
  rate_limit: 1000
  page_size: ${pageSize}
  database_ids: [db-tasks]
  page_ids: [page-home]
  authentication:
    type: api_key
    params:
      token: env://NOTION_TOKEN
destination:
  name: file
  config:
    destination_id: out
    buffer_size: 0
`
const ALL = [...api.workspace.pagesOf('ds-tasks'), ...api.workspace.pagesOf('ds-archive')]
  .map((p) => p['id'])
  .concat('page-home')

test('incremental: the second run appends only the pages edited since the first', async () => {
  const dir = tempDir()
  writePipeline(dir, 'p.yml', pipeline('notion_incremental', 3))
  const first = await runCli(['run', 'p.yml', '--custom-source', SOURCE], { cwd: dir, env })
  expect(first.stderr).not.toContain('✖')
  expect(first.code).toBe(0)
  expect(sourceIds(join(dir, 'out.json'))).toEqual(ALL)
  api.touch('tasks-2', new Date(Date.now() + 60_000).toISOString())
  const second = await runCli(['run', 'p.yml', '--custom-source', SOURCE], { cwd: dir, env })
  expect(second.code).toBe(0)
  expect(sourceIds(join(dir, 'out.json'))).toEqual([...ALL, 'tasks-2'])
  expect(first.stderr + second.stderr + first.stdout + second.stdout).not.toContain(TOKEN)
})

test('killed mid-run, the next run resumes from the stored pagination and loses nothing', async () => {
  const dir = tempDir()
  writePipeline(dir, 'p.yml', pipeline('notion_kill', 1))
  const QUERY = '/v1/data_sources/ds-tasks/query'
  api.script(QUERY, ...Array(7).fill({ delayMs: 250 }))
  const start = api.count(QUERY)
  const run = spawnCli(['run', 'p.yml', '--custom-source', SOURCE], { cwd: dir, env })
  const deadline = Date.now() + 20_000
  while (api.count(QUERY) - start < 4 && Date.now() < deadline) await Bun.sleep(20)
  run.kill('SIGKILL')
  expect((await run.exited).code).toBe(137)
  // An incremental run stages its records in out_incremental.json and appends them when it ends.
  const written = sourceIds(join(dir, 'out_incremental.json')).length
  expect(written).toBeGreaterThan(0) // killed after some pages were written...
  expect(written).toBeLessThan(ALL.length) // ...and before the end
  const beforeResume = api.count(QUERY)
  const resumed = await runCli(['run', 'p.yml', '--custom-source', SOURCE], { cwd: dir, env })
  expect(resumed.code).toBe(0)
  expect(resumed.stderr).toContain('Resuming job')
  expect([...new Set(sourceIds(join(dir, 'out.json')))].sort()).toEqual([...ALL].sort())
  // The resumed run queried only the task pages not written yet (at most one page read again).
  expect(api.count(QUERY) - beforeResume).toBeLessThanOrEqual(7 - written + 1)
})

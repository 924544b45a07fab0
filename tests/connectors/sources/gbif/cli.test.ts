/** End to end through the CLI: `bizon run` with the connector file as a custom source. */
import { afterAll, expect, setDefaultTimeout, test } from 'bun:test'
import { join } from 'node:path'
import { REPO, runCli } from '../../../helpers/cli.ts'
import { startFakeGbif } from '../../../helpers/fake-apis/gbif.ts'
import { readLines, stateRows, writePipeline } from '../../../helpers/pipeline.ts'
import { tempDir } from '../../../helpers/tmp.ts'

setDefaultTimeout(60_000)
const api = startFakeGbif({ records: 40 })
afterAll(() => api.stop())

test('bizon run reads max_records occurrences into the file destination, with the total on the job', async () => {
  const dir = tempDir()
  writePipeline(
    dir,
    'p.yml',
    `name: gbif_cli
source:
  name: gbif
  stream: occurrence
  base_url: ${api.baseUrl}
  max_records: 33
  page_limit: 10
destination:
  name: file
  config:
    destination_id: out
`,
  )
  const result = await runCli(
    ['run', 'p.yml', '--custom-source', join(REPO, 'connectors/sources/gbif/index.ts')],
    { cwd: dir },
  )
  expect(result.stderr).not.toContain('✖')
  expect(result.code).toBe(0)
  const lines = readLines(join(dir, 'out.json'))
  expect(lines).toHaveLength(33)
  expect(JSON.parse(lines[0]!.source_data)).toEqual(api.occurrences[0]!)
  const [job] = stateRows(dir, 'select status, total_records_to_fetch from stream_jobs')
  expect(job).toEqual({ status: 'succeeded', total_records_to_fetch: 33 })
})

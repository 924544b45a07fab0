/** End to end through the CLI: `bizon run` with the connector file as a custom source, token from env://. */
import { afterAll, expect, setDefaultTimeout, test } from 'bun:test'
import { join } from 'node:path'
import { REPO, runCli } from '../../../helpers/cli.ts'
import { startFakeHubSpot } from '../../../helpers/fake-apis/hubspot.ts'
import { readLines, stateRows, writePipeline } from '../../../helpers/pipeline.ts'
import { tempDir } from '../../../helpers/tmp.ts'

setDefaultTimeout(60_000)
const TOKEN = 'pat-eu1-cli-0a1b2c3d4e5f'
const api = startFakeHubSpot({
  auth: { type: 'token', token: TOKEN },
  counts: { contacts: 7, companies: 31, deals: 2 },
})
afterAll(() => api.stop())
const SOURCE = join(REPO, 'connectors/sources/hubspot/index.ts')

const pipeline = (token: string) => `name: hubspot_cli
source:
  name: hubspot
  stream: companies
  base_url: ${api.baseUrl}
  page_size: 10
  properties:
    strategy: selected
    selected_properties: [name, domain]
  authentication:
    type: api_key
    params:
      token: ${token}
destination:
  name: file
  config:
    destination_id: out
`

test('bizon run reads every company, with the token from env:// never printed even in debug logs', async () => {
  const dir = tempDir()
  writePipeline(dir, 'p.yml', pipeline('env://HUBSPOT_TOKEN'))
  const result = await runCli(['run', 'p.yml', '--custom-source', SOURCE, '--log-level', 'DEBUG'], {
    cwd: dir,
    env: { HUBSPOT_TOKEN: TOKEN },
  })
  expect(result.stderr).not.toContain('✖')
  expect(result.code).toBe(0)
  const lines = readLines(join(dir, 'out.json'))
  expect(lines.map((l) => l.source_record_id)).toEqual(api.objects['companies']!.map((o) => o.id))
  expect(Object.keys(JSON.parse(lines[0]!.source_data).properties)).toEqual(['name', 'domain'])
  expect(stateRows(dir, 'select total_records_to_fetch as total from stream_jobs')).toEqual([{ total: 31 }])
  expect(result.stderr + result.stdout).not.toContain(TOKEN)
})

test('a refused token fails the run with exit 1 and a message naming the fix, without the token', async () => {
  const dir = tempDir()
  const wrong = 'pat-eu1-wrong-ffffeeee'
  writePipeline(dir, 'p.yml', pipeline('env://HUBSPOT_TOKEN'))
  const result = await runCli(['run', 'p.yml', '--custom-source', SOURCE], {
    cwd: dir,
    env: { HUBSPOT_TOKEN: wrong },
  })
  expect(result.code).toBe(1)
  expect(result.stderr).toContain('HTTP 401 Unauthorized')
  expect(result.stderr).toContain('Check source.authentication: the server refused the credentials.')
  expect(result.stderr + result.stdout).not.toContain(wrong)
})

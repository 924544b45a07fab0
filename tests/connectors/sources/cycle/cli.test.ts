/** End to end through the CLI: `bizon run` with the connector loaded as a custom source file. */
import { afterAll, expect, setDefaultTimeout, test } from 'bun:test'
import { join } from 'node:path'
import { runCli } from '../../../helpers/cli.ts'
import { startFakeCycle } from '../../../helpers/fake-apis/cycle.ts'
import { connectorIndex } from '../../../helpers/fake-apis/drive.ts'
import { readLines, writePipeline } from '../../../helpers/pipeline.ts'
import { tempDir } from '../../../helpers/tmp.ts'

setDefaultTimeout(30_000)
const TOKEN = 'cycle-cli-token-5678'
const api = startFakeCycle({ token: TOKEN, slug: 'acme', customers: 23 })
afterAll(() => api.stop())

test('bizon run writes every customer to the file destination, the token never printed', async () => {
  const dir = tempDir()
  writePipeline(
    dir,
    'p.yml',
    `name: cycle_e2e
source:
  name: cycle
  stream: customers
  slug: acme
  page_size: 10
  base_url: ${api.url}
  authentication:
    type: api_key
    params:
      token: env://CYCLE_API_KEY
destination:
  name: file
  config:
    destination_id: customers
    buffer_size: 0
engine:
  runner:
    log_level: DEBUG
`,
  )
  const result = await runCli(['run', 'p.yml', '--custom-source', connectorIndex('cycle')], {
    cwd: dir,
    env: { CYCLE_API_KEY: TOKEN },
  })
  expect(result.stderr).not.toContain(TOKEN)
  expect(result.code).toBe(0)
  const lines = readLines(join(dir, 'customers.json'))
  expect(lines.map((l) => l.source_record_id)).toEqual(api.customers.map((c) => c.id))
  expect(JSON.parse(lines[0]!.source_data)).toEqual(api.customers[0] as never)
})

/** End to end through the CLI: `bizon run` with the connector loaded as a custom source file. */
import { afterAll, expect, setDefaultTimeout, test } from 'bun:test'
import { join } from 'node:path'
import { runCli } from '../../../helpers/cli.ts'
import { connectorIndex } from '../../../helpers/fake-apis/drive.ts'
import { startFakeSana } from '../../../helpers/fake-apis/sana_ai.ts'
import { readLines, writePipeline } from '../../../helpers/pipeline.ts'
import { tempDir } from '../../../helpers/tmp.ts'

setDefaultTimeout(30_000)
const SECRET = 'sana-cli-client-secret'
const api = startFakeSana({ clientId: 'cli-client', clientSecret: SECRET, rows: 23 })
afterAll(() => api.stop())

test('bizon run writes every report row, the client secret never printed', async () => {
  const dir = tempDir()
  writePipeline(
    dir,
    'p.yml',
    `name: sana_e2e
source:
  name: sana_ai
  stream: insight_report
  domain: acme
  query: SELECT 1
  base_url: ${api.url}
  poll_interval: 0.05
  page_size: 10
  authentication:
    type: oauth
    params:
      token_refresh_endpoint: ${api.tokenUrl}
      client_id: env://SANA_CLIENT_ID
      client_secret: env://SANA_CLIENT_SECRET
      grant_type: client_credentials
      access_token_name: accessToken
      expires_in_name: expiresIn
      response_field_path: data
destination:
  name: file
  config:
    destination_id: report
    buffer_size: 0
engine:
  runner:
    log_level: DEBUG
`,
  )
  const result = await runCli(['run', 'p.yml', '--custom-source', connectorIndex('sana_ai')], {
    cwd: dir,
    env: { SANA_CLIENT_ID: 'cli-client', SANA_CLIENT_SECRET: SECRET },
  })
  expect(result.stderr).not.toContain(SECRET)
  expect(result.code).toBe(0)
  const lines = readLines(join(dir, 'report.json'))
  expect(lines.map((l) => l.source_record_id)).toEqual(api.rows.map((_, i) => String(i)))
  expect(lines.map((l) => JSON.parse(l.source_data))).toEqual(api.rows)
})

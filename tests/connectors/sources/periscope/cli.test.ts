/** End to end through the CLI: `bizon run` with the connector loaded as a custom source file. */
import { afterAll, expect, setDefaultTimeout, test } from 'bun:test'
import { join } from 'node:path'
import { runCli } from '../../../helpers/cli.ts'
import { connectorIndex } from '../../../helpers/fake-apis/drive.ts'
import { startFakePeriscope } from '../../../helpers/fake-apis/periscope.ts'
import { readLines, writePipeline } from '../../../helpers/pipeline.ts'
import { tempDir } from '../../../helpers/tmp.ts'

setDefaultTimeout(30_000)
const secrets = {
  cfBm: 'cli-cf-bm-cookie',
  session: 'cli-session-cookie',
  csrf: 'cli-csrf-token',
  siteId: 12,
}
const api = startFakePeriscope(secrets, { dashboards: 13 })
afterAll(() => api.stop())

test('bizon run writes the charts of every dashboard, no cookie or token printed', async () => {
  const dir = tempDir()
  writePipeline(
    dir,
    'p.yml',
    `name: periscope_e2e
source:
  name: periscope
  stream: charts
  workspace_name: acme
  client_site_id: 12
  database_id: 42
  x_csrf_token: env://PERISCOPE_CSRF_TOKEN
  base_url: ${api.url}
  rate_limit: 1000
  authentication:
    type: cookies
    params:
      cookies:
        cf_bm: env://PERISCOPE_CF_BM
        periscope_session: env://PERISCOPE_SESSION
destination:
  name: file
  config:
    destination_id: charts
    buffer_size: 0
engine:
  runner:
    log_level: DEBUG
`,
  )
  const result = await runCli(['run', 'p.yml', '--custom-source', connectorIndex('periscope')], {
    cwd: dir,
    env: {
      PERISCOPE_CF_BM: secrets.cfBm,
      PERISCOPE_SESSION: secrets.session,
      PERISCOPE_CSRF_TOKEN: secrets.csrf,
    },
  })
  for (const secret of Object.values(secrets))
    if (typeof secret === 'string') expect(result.stderr).not.toContain(secret)
  expect(result.code).toBe(0)
  const lines = readLines(join(dir, 'charts.json'))
  expect(lines.map((l) => Number(l.source_record_id))).toEqual(api.chartIds(42))
  expect(lines.every((l) => JSON.parse(l.source_data).database_id === 42)).toBe(true)
})

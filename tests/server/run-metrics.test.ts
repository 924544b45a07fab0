/** /metrics and /api after a real run of the engine (synthetic source → file destination). */
import { expect, test } from 'bun:test'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { registry } from '../../src/cli/registry.ts'
import { loadPipeline } from '../../src/config/load.ts'
import { runPipeline } from '../../src/engine/pipeline.ts'
import { createLogger } from '../../src/observe/log.ts'
import { createApp } from '../../src/server/app.ts'
import { LiveRuns } from '../../src/server/live.ts'
import { tempDir } from '../helpers/tmp.ts'
import { parsePrometheus } from '../observe/prometheus.ts'
import { openBackend } from './fixtures.ts'

test('/metrics counts what a real run extracted and wrote', async () => {
  const dir = tempDir()
  const file = join(dir, 'pipeline.yml')
  writeFileSync(
    file,
    [
      'name: metrics_check',
      'source: {name: synthetic, stream: records, records: 2500, page_size: 100}',
      'destination: {name: file, config: {destination_id: out, buffer_size: 0}}',
      `engine: {backend: {type: sqlite, config: {database: ${JSON.stringify(join(dir, 'state'))}}}}`,
    ].join('\n'),
  )
  const loaded = await loadPipeline(file, registry)
  const live = new LiveRuns()
  const logger = createLogger({ stream: { write: () => true } })
  const result = await runPipeline(loaded, {
    logger,
    observer: live.observer(),
    signal: new AbortController().signal,
  })
  expect(result.ok).toBe(true)
  const written = readFileSync(join(dir, 'out.json'), 'utf8').trim().split('\n').length
  expect(written).toBe(2500)

  const backend = await openBackend(dir)
  try {
    const app = createApp({ backend, live })
    const s = parsePrometheus(await (await app.request('/metrics')).text())
    const l = 'pipeline="metrics_check",source="synthetic",stream="records",destination="file"'
    expect(s.get(`bizon_records_extracted_total{${l}}`)).toBe(2500)
    expect(s.get(`bizon_records_written_total{${l}}`)).toBe(written)
    expect(s.get(`bizon_job_records_written{${l}}`)).toBe(written)
    expect(s.get(`bizon_iterations_total{${l}}`)).toBeGreaterThanOrEqual(25)
    expect(s.get(`bizon_job_status{${l},status="succeeded"}`)).toBe(1)
    const batches = s.get(`bizon_batches_flushed_total{${l}}`)!
    expect(s.get(`bizon_destination_write_duration_seconds_count{${l}}`)).toBe(batches)
    expect(batches).toBe((await backend.listDestinationCursors(result.job!.id)).length)

    // the same series read back from the backend alone (`bizon serve` in another process)
    const cold = parsePrometheus(await (await createApp({ backend }).request('/metrics')).text())
    expect(cold.get(`bizon_job_records_written{${l}}`)).toBe(written)
    expect(cold.get(`bizon_job_status{${l},status="succeeded"}`)).toBe(1)
    expect(cold.get(`bizon_last_success_timestamp_seconds{${l}}`)).toBeGreaterThan(Date.now() / 1000 - 60)

    const { pipelines } = (await (await app.request('/api/pipelines')).json()) as { pipelines: any[] }
    expect(pipelines).toHaveLength(1)
    expect(pipelines[0]).toMatchObject({
      name: 'metrics_check',
      status: 'succeeded',
      records: 2500,
      live: false,
    })
  } finally {
    await backend.close()
  }
})

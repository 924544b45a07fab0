import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import type { Backend, Job } from '../../src/backends/types.ts'
import { createRunMetrics, MetricsRegistry, metricsFromBackend } from '../../src/observe/metrics.ts'
import { tempDir } from '../helpers/tmp.ts'
import { key, openBackend, runInfo, seedJob } from '../server/fixtures.ts'
import { parsePrometheus } from './prometheus.ts'

describe('MetricsRegistry', () => {
  test('renders HELP/TYPE once per metric and escapes label values', () => {
    const registry = new MetricsRegistry()
    registry
      .series('bizon_x_total', 'Line one\nline two \\ done', 'counter', { pipeline: 'a"b\\c\nd' })
      .inc(2)
    registry.series('bizon_x_total', 'ignored', 'counter', { pipeline: 'plain' }).inc()
    expect(registry.render()).toBe(
      [
        '# HELP bizon_x_total Line one\\nline two \\\\ done',
        '# TYPE bizon_x_total counter',
        'bizon_x_total{pipeline="a\\"b\\\\c\\nd"} 2',
        'bizon_x_total{pipeline="plain"} 1',
        '',
      ].join('\n'),
    )
  })

  test('histograms have cumulative buckets, +Inf, _sum and _count', () => {
    const registry = new MetricsRegistry()
    const h = registry.series('bizon_d_seconds', 'Durations.', 'histogram', { p: 'x' }, [0.1, 1])
    for (const v of [0.05, 0.5, 0.7, 3]) h.observe(v)
    const samples = parsePrometheus(registry.render())
    expect(samples.get('bizon_d_seconds_bucket{p="x",le="0.1"}')).toBe(1)
    expect(samples.get('bizon_d_seconds_bucket{p="x",le="1"}')).toBe(3)
    expect(samples.get('bizon_d_seconds_bucket{p="x",le="+Inf"}')).toBe(4)
    expect(samples.get('bizon_d_seconds_sum{p="x"}')).toBeCloseTo(4.25)
    expect(samples.get('bizon_d_seconds_count{p="x"}')).toBe(4)
    expect(registry.render()).toContain('# TYPE bizon_d_seconds histogram')
  })
})

describe('run metrics', () => {
  test('count what the run reports, labelled by pipeline/source/stream/destination', () => {
    const registry = new MetricsRegistry()
    const observer = createRunMetrics(registry, () => 1_700_000_000_000)
    observer.jobStarted({ id: 'j' } as Job, runInfo('orders', { resumedRecords: 10 }))
    for (let i = 0; i < 3; i++) observer.pageRead({ iteration: i, records: 100, bytes: 2000, ms: 20 })
    observer.batchWritten({
      fromIteration: 0,
      toIteration: 2,
      records: 300,
      bytes: 6000,
      ms: 400,
      destinationId: 'd',
    })
    observer.gauges({ queueDepth: 5, bufferBytes: 1234, bufferRecords: 7 })
    observer.error({ stage: 'transform', message: 'x' })
    observer.jobEnded({ status: 'succeeded', job: { id: 'j' } as Job })
    const s = parsePrometheus(registry.render())
    const l = 'pipeline="orders",source="dummy",stream="creatures",destination="file"'
    expect(s.get(`bizon_records_extracted_total{${l}}`)).toBe(300)
    expect(s.get(`bizon_records_written_total{${l}}`)).toBe(300)
    expect(s.get(`bizon_bytes_extracted_total{${l}}`)).toBe(6000)
    expect(s.get(`bizon_iterations_total{${l}}`)).toBe(3)
    expect(s.get(`bizon_batches_flushed_total{${l}}`)).toBe(1)
    expect(s.get(`bizon_queue_depth{${l}}`)).toBe(5)
    expect(s.get(`bizon_buffer_bytes{${l}}`)).toBe(1234)
    expect(s.get(`bizon_errors_total{${l},stage="transform"}`)).toBe(1)
    expect(s.get(`bizon_job_records_written{${l}}`)).toBe(310)
    expect(s.get(`bizon_job_status{${l},status="succeeded"}`)).toBe(1)
    expect(s.get(`bizon_job_status{${l},status="running"}`)).toBe(0)
    expect(s.get(`bizon_last_success_timestamp_seconds{${l}}`)).toBe(1_700_000_000)
    expect(s.get(`bizon_source_read_duration_seconds_count{${l}}`)).toBe(3)
    expect(s.get(`bizon_destination_write_duration_seconds_bucket{${l},le="0.25"}`)).toBe(0)
    expect(s.get(`bizon_destination_write_duration_seconds_bucket{${l},le="0.5"}`)).toBe(1)
  })
})

describe('metricsFromBackend', () => {
  let backend: Backend
  beforeAll(async () => {
    backend = await openBackend(tempDir())
  })
  afterAll(() => backend.close())

  test('per pipeline: records written by the last job, its status, the last success time', async () => {
    const ok = await seedJob(backend, key('orders'), { batches: [10, 20], end: 'succeeded' })
    await seedJob(backend, key('orders'), { batches: [5], end: 'failed' })
    await seedJob(backend, key('fresh', 'dummy', 'plants'), { batches: [], end: 'running' })
    const s = parsePrometheus((await metricsFromBackend(backend)).render())
    const orders = 'pipeline="orders",source="dummy",stream="creatures",destination="file"'
    expect(s.get(`bizon_job_records_written{${orders}}`)).toBe(5)
    expect(s.get(`bizon_job_status{${orders},status="failed"}`)).toBe(1)
    expect(s.get(`bizon_job_status{${orders},status="running"}`)).toBe(0)
    const success = s.get(`bizon_last_success_timestamp_seconds{${orders}}`)!
    expect(Math.abs(success - ok.updatedAt!.getTime() / 1000)).toBeLessThan(0.01)
    const fresh = 'pipeline="fresh",source="dummy",stream="plants",destination=""'
    expect(s.get(`bizon_job_status{${fresh},status="running"}`)).toBe(1)
    expect(s.has(`bizon_last_success_timestamp_seconds{${fresh}}`)).toBe(false)
  })
})

/** In-process metrics (counters, gauges, histograms) fed by run events, rendered as Prometheus text. */
import type { Backend, Job, SyncKey } from '../backends/types.ts'
import type { RunObserver } from './types.ts'

export type Labels = Record<string, string>
type Kind = 'counter' | 'gauge' | 'histogram'

interface Series {
  labels: Labels
  value: number
  /** Histograms: cumulative counts per bucket, sum in `value`, count in `count`. */
  buckets?: number[]
  count?: number
}

export interface Metric {
  name: string
  help: string
  kind: Kind
  bucketBounds?: number[]
  series: Map<string, Series>
}

export interface SeriesHandle {
  inc(n?: number): void
  set(value: number): void
  observe(value: number): void
}

/** Seconds: from a fast local write to a slow remote API page. */
export const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60]

const escapeLabel = (value: string) => value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')
const escapeHelp = (value: string) => value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')
const formatValue = (n: number) =>
  Number.isNaN(n) ? 'NaN' : n === Infinity ? '+Inf' : n === -Infinity ? '-Inf' : String(n)

function labelText(labels: Labels, extra?: [string, string]): string {
  const pairs = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`)
  if (extra) pairs.push(`${extra[0]}="${escapeLabel(extra[1])}"`)
  return pairs.length ? `{${pairs.join(',')}}` : ''
}

export class MetricsRegistry {
  readonly metrics = new Map<string, Metric>()

  private define(name: string, help: string, kind: Kind, bucketBounds?: number[]): Metric {
    let metric = this.metrics.get(name)
    if (!metric) {
      metric = { name, help, kind, bucketBounds, series: new Map() }
      this.metrics.set(name, metric)
    }
    return metric
  }

  /** A handle on one labelled series; keep it to make updates a few additions. */
  series(
    name: string,
    help: string,
    kind: Kind,
    labels: Labels,
    bucketBounds = DURATION_BUCKETS,
  ): SeriesHandle {
    const metric = this.define(name, help, kind, kind === 'histogram' ? bucketBounds : undefined)
    const key = JSON.stringify(labels)
    let s = metric.series.get(key)
    if (!s) {
      s = { labels: { ...labels }, value: 0 }
      if (kind === 'histogram') {
        s.buckets = metric.bucketBounds!.map(() => 0)
        s.count = 0
      }
      metric.series.set(key, s)
    }
    const entry = s
    return {
      inc: (n = 1) => {
        entry.value += n
      },
      set: (value) => {
        entry.value = value
      },
      observe: (value) => {
        entry.value += value
        entry.count! += 1
        const bounds = metric.bucketBounds!
        for (let i = 0; i < bounds.length; i++) if (value <= bounds[i]!) entry.buckets![i]! += 1
      },
    }
  }

  /** Copies every series of `other` in, replacing series with the same labels. */
  merge(other: MetricsRegistry): this {
    for (const metric of other.metrics.values()) {
      const mine = this.define(metric.name, metric.help, metric.kind, metric.bucketBounds)
      for (const [key, s] of metric.series) mine.series.set(key, s)
    }
    return this
  }

  /** Prometheus text exposition format 0.0.4. */
  render(): string {
    const out: string[] = []
    for (const metric of this.metrics.values()) {
      if (metric.series.size === 0) continue
      out.push(`# HELP ${metric.name} ${escapeHelp(metric.help)}`, `# TYPE ${metric.name} ${metric.kind}`)
      for (const s of metric.series.values()) {
        if (metric.kind !== 'histogram') {
          out.push(`${metric.name}${labelText(s.labels)} ${formatValue(s.value)}`)
          continue
        }
        metric.bucketBounds!.forEach((bound, i) => {
          out.push(`${metric.name}_bucket${labelText(s.labels, ['le', String(bound)])} ${s.buckets![i]}`)
        })
        out.push(`${metric.name}_bucket${labelText(s.labels, ['le', '+Inf'])} ${s.count}`)
        out.push(`${metric.name}_sum${labelText(s.labels)} ${formatValue(s.value)}`)
        out.push(`${metric.name}_count${labelText(s.labels)} ${s.count}`)
      }
    }
    return out.length ? `${out.join('\n')}\n` : ''
  }
}

export const JOB_STATUSES = ['started', 'running', 'succeeded', 'failed', 'cancelled', 'stopped'] as const
export type ShownStatus = (typeof JOB_STATUSES)[number]

/** A `running` job with an error and no live run is a failed run waiting to be resumed (decision 2). */
export function shownStatus(job: Pick<Job, 'status' | 'errorMessage'>, live: boolean): ShownStatus {
  if (job.status === 'running' && job.errorMessage && !live) return 'failed'
  return job.status
}

function setStatus(registry: MetricsRegistry, labels: Labels, status: ShownStatus): void {
  for (const s of JOB_STATUSES) {
    registry
      .series('bizon_job_status', 'Status of the last job: 1 for its status, 0 for the others.', 'gauge', {
        ...labels,
        status: s,
      })
      .set(s === status ? 1 : 0)
  }
}

const RECORDS_WRITTEN_JOB = 'Records written by the last job (including earlier attempts of it).'
const LAST_SUCCESS = 'Unix time of the end of the last succeeded job.'

/** A RunObserver that feeds `registry` with the series of one live run. */
export function createRunMetrics(registry: MetricsRegistry, now: () => number = Date.now): RunObserver {
  let h: Record<string, SeriesHandle> = {}
  let labels: Labels = {}
  let jobRecords = 0
  const on = (name: string, help: string, kind: Kind) => registry.series(name, help, kind, labels)
  return {
    jobStarted(_job, info) {
      labels = {
        pipeline: info.pipeline,
        source: info.source,
        stream: info.stream,
        destination: info.destination,
      }
      jobRecords = info.resumedRecords
      h = {
        extracted: on('bizon_records_extracted_total', 'Records read from the source.', 'counter'),
        written: on('bizon_records_written_total', 'Records written to the destination.', 'counter'),
        bytesRead: on('bizon_bytes_extracted_total', 'Approximate bytes read from the source.', 'counter'),
        bytesWritten: on(
          'bizon_bytes_written_total',
          'Approximate bytes written to the destination.',
          'counter',
        ),
        iterations: on('bizon_iterations_total', 'Pages read from the source.', 'counter'),
        batches: on(
          'bizon_batches_flushed_total',
          'Buffers written with their destination cursor.',
          'counter',
        ),
        buffer: on('bizon_buffer_bytes', 'Bytes held in the destination buffer.', 'gauge'),
        bufferRecords: on('bizon_buffer_records', 'Records held in the destination buffer.', 'gauge'),
        queue: on('bizon_queue_depth', 'Messages waiting in the queue.', 'gauge'),
        readTime: on(
          'bizon_source_read_duration_seconds',
          'Time to read one page from the source.',
          'histogram',
        ),
        writeTime: on('bizon_destination_write_duration_seconds', 'Time to write one buffer.', 'histogram'),
        jobRecords: on('bizon_job_records_written', RECORDS_WRITTEN_JOB, 'gauge'),
      }
      h.jobRecords!.set(jobRecords)
      setStatus(registry, labels, 'running')
    },
    pageRead(e) {
      h.extracted?.inc(e.records)
      h.bytesRead?.inc(e.bytes)
      h.iterations?.inc()
      h.readTime?.observe(e.ms / 1000)
    },
    batchWritten(e) {
      h.written?.inc(e.records)
      h.bytesWritten?.inc(e.bytes)
      h.batches?.inc()
      h.writeTime?.observe(e.ms / 1000)
      jobRecords += e.records
      h.jobRecords?.set(jobRecords)
    },
    gauges(e) {
      if (e.queueDepth !== null) h.queue?.set(e.queueDepth)
      h.buffer?.set(e.bufferBytes)
      h.bufferRecords?.set(e.bufferRecords)
    },
    error(e) {
      registry
        .series('bizon_errors_total', 'Errors by stage.', 'counter', { ...labels, stage: e.stage })
        .inc()
    },
    jobEnded(e) {
      setStatus(registry, labels, e.status)
      if (e.status === 'succeeded')
        on('bizon_last_success_timestamp_seconds', LAST_SUCCESS, 'gauge').set(now() / 1000)
    },
  }
}

const keyOf = (k: SyncKey) => JSON.stringify([k.name, k.sourceName, k.streamName])

/** Per-pipeline series read from the state store, for `bizon serve` without a live run. */
export async function metricsFromBackend(
  backend: Backend,
  options: { skip?: (key: SyncKey) => boolean } = {},
): Promise<MetricsRegistry> {
  const registry = new MetricsRegistry()
  const latest = new Map<string, Job>()
  for (const job of await backend.listJobs()) if (!latest.has(keyOf(job))) latest.set(keyOf(job), job)
  for (const job of latest.values()) {
    if (options.skip?.(job)) continue
    const cursor = await backend.getLastDestinationCursor(job.id)
    const labels = { pipeline: job.name, source: job.sourceName, stream: job.streamName }
    const full = { ...labels, destination: cursor?.destinationName ?? '' }
    registry
      .series('bizon_job_records_written', RECORDS_WRITTEN_JOB, 'gauge', full)
      .set(await backend.getRowsWritten(job.id))
    setStatus(registry, full, shownStatus(job, false))
    const success = job.status === 'succeeded' ? job : await backend.getLastSucceededJob(job)
    if (success) {
      const at = (success.updatedAt ?? success.createdAt).getTime() / 1000
      registry.series('bizon_last_success_timestamp_seconds', LAST_SUCCESS, 'gauge', full).set(at)
    }
  }
  return registry
}

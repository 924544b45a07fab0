/** Pipeline configs for the campaigns: synthetic (or the ticker custom source) into a chosen destination. */
import { join } from 'node:path'
import { natsUrl, pgUrl } from '../tests/helpers/services.ts'
import { pgState, type StateStore, sqliteState, type Target } from './check.ts'
import { REPO, SECRETS } from './lib.ts'

export type Mode = 'full_refresh' | 'incremental' | 'stream'
export type QueueKind = 'memory' | 'nats'
export type RunnerKind = 'thread' | 'process' | 'stream'
export type DestKind = 'file' | 'sqlite' | 'pg_append' | 'pg_upsert' | 'flaky'

export interface PipelineSpec {
  name: string
  mode: Mode
  queue: QueueKind
  runner: RunnerKind
  dest: DestKind
  records: number
  pageSize: number
  sleepMs: number
  /** Destination buffer in MB (0: one write per page). */
  bufferMb: number
  /** State in postgres (a schema of its own) instead of the sqlite file. */
  pgBackend?: boolean
  /** Unique suffix for postgres schemas and NATS streams. */
  tag: string
  /** Default `out`. */
  destinationId?: string
  extra?: string
}

export const TICKER = join(REPO, 'torture/connectors/ticker.ts')

/** The test PostgreSQL URL with the known secret password (trust auth ignores it). */
export function securePgUrl(): string {
  const url = new URL(pgUrl())
  url.password = SECRETS.TORTURE_PG_PASSWORD
  return url.toString()
}

export function pgEnv(): Record<string, string> {
  return { TORTURE_PG_URL: securePgUrl() }
}

/** Stream mode needs a source that can stream: the ticker custom source. */
export function cliArgs(spec: PipelineSpec): string[] {
  return spec.mode === 'stream' ? ['--custom-source', TICKER] : []
}

function destination(spec: PipelineSpec): string {
  const common = `    destination_id: ${spec.destinationId ?? 'out'}\n    buffer_size: ${spec.bufferMb}\n    buffer_flush_timeout: 1\n`
  if (spec.dest === 'file') return `  name: file\n  config:\n${common}`
  // torture/connectors/flaky-destination.ts, loaded with --custom-destination
  if (spec.dest === 'flaky') return `  name: flaky\n  config:\n${common}    fail_on_write: 4\n`
  if (spec.dest === 'sqlite') return `  name: sqlite\n  config:\n${common}    path: out.sqlite\n`
  const mode = spec.dest === 'pg_upsert' ? 'upsert' : 'append'
  return `  name: postgres\n  config:\n${common}    url: env://TORTURE_PG_URL\n    schema: d_${spec.tag}\n    write_mode: ${mode}\n`
}

function engine(spec: PipelineSpec): string {
  const backend = spec.pgBackend
    ? `  backend:\n    type: postgres\n    config:\n      url: env://TORTURE_PG_URL\n      schema: s_${spec.tag}\n`
    : ''
  const queue =
    spec.queue === 'nats'
      ? `  queue:\n    type: nats\n    config:\n      servers: ${natsUrl()}\n      stream: t_${spec.tag}\n      max_bytes: 64MB\n`
      : ''
  return `engine:\n${backend}${queue}  runner:\n    type: ${spec.runner}\n`
}

export function pipelineYaml(spec: PipelineSpec): string {
  const source =
    spec.mode === 'stream'
      ? `  name: ticker\n  stream: ticks\n  sync_mode: stream\n`
      : `  name: synthetic\n  stream: records\n  sync_mode: ${spec.mode}\n  record_bytes: 120\n`
  return `name: ${spec.name}
source:
${source}  records: ${spec.records}
  page_size: ${spec.pageSize}
  sleep_ms: ${spec.sleepMs}
destination:
${destination(spec)}${engine(spec)}${spec.extra ?? ''}`
}

export function targetOf(spec: PipelineSpec, dir: string): Target {
  const id = spec.destinationId ?? 'out'
  if (spec.dest === 'file') return { kind: 'file', file: join(dir, `${id}.json`) }
  if (spec.dest === 'flaky') return { kind: 'file', file: join(dir, `${id}.ndjson`) }
  if (spec.dest === 'sqlite') return { kind: 'sqlite', file: join(dir, 'out.sqlite'), table: 'out' }
  return { kind: 'postgres', schema: `d_${spec.tag}`, table: 'out' }
}

export function stateOf(spec: PipelineSpec, dir: string): StateStore {
  return spec.pgBackend ? pgState(`s_${spec.tag}`) : sqliteState(join(dir, 'bizon.sqlite3'))
}

/** Ids the source holds, as strings. */
export function expectedIds(spec: PipelineSpec): string[] {
  return Array.from({ length: spec.records }, (_, i) => String(i))
}

/** Ids of source iteration `i` of a job whose first record was `base`. */
export function idsOfIteration(spec: PipelineSpec, iteration: number, base = 0): string[] {
  const from = base + iteration * spec.pageSize
  const to = Math.min(spec.records, from + spec.pageSize)
  return Array.from({ length: Math.max(0, to - from) }, (_, k) => String(from + k))
}

export function randomTag(): string {
  return Math.random().toString(36).slice(2, 10)
}

/** Drops what a trial left in PostgreSQL (its schemas); NATS streams are left to the throwaway server. */
export async function dropPgSchemas(spec: PipelineSpec): Promise<void> {
  if (!spec.pgBackend && !spec.dest.startsWith('pg')) return
  const store = pgState('public')
  try {
    await store.query(`drop schema if exists "d_${spec.tag}" cascade`)
    await store.query(`drop schema if exists "s_${spec.tag}" cascade`)
  } finally {
    await store.close()
  }
}

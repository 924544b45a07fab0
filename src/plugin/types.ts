/** Contracts between the engine and every plugin (sources, destinations, queues, backends). */
import type * as v from 'valibot'

export type SyncMode = 'full_refresh' | 'incremental' | 'stream'

/** Small logger handed to plugins; backed by consola in the CLI. */
export interface Logger {
  debug(message: string, ...args: unknown[]): void
  info(message: string, ...args: unknown[]): void
  warn(message: string, ...args: unknown[]): void
  error(message: string, ...args: unknown[]): void
}

/** Opaque, JSON-serialisable pagination state. `{}` on the first call. */
export type Pagination = Record<string, unknown>

/** One record as a source returns it. */
export interface SourceRecord {
  id: string | number
  data: Record<string, unknown>
  /** When the record changed at the source; defaults to the extraction time. */
  timestamp?: Date
  /** Routing key (stream mode / multi-destination). */
  destinationId?: string
}

export interface IncrementalInfo {
  /** Start time of the previous succeeded job (the watermark). */
  lastRun: Date
  /** State returned by the source with the last page of the previous succeeded job. */
  state: unknown
  cursorField?: string
}

export interface ReadRequest {
  stream: string
  pagination: Pagination
  /** Set on incremental runs after the first succeeded one (not on resets). */
  incremental?: IncrementalInfo
}

export interface Page {
  records: SourceRecord[]
  /** Pagination for the next call; `null` or `{}` when the stream is exhausted. */
  next: Pagination | null
  /** Optional incremental state kept with the job (decision 17). */
  state?: unknown
}

export interface SourceContext {
  stream: string
  syncMode: SyncMode
  logger: Logger
  /** Folder of the pipeline file: relative paths in connector configs resolve from here. */
  baseDir: string
  /** Aborted when the run is stopping (SIGINT/SIGTERM or the other side failed). */
  signal: AbortSignal
}

export interface CheckResult {
  ok: boolean
  detail?: string
}

export interface Source {
  check?(): Promise<CheckResult>
  /** Records this run will read (progress and ETA); `incremental` is set as for `read`. */
  total?(request?: { stream: string; incremental?: IncrementalInfo }): Promise<number | null | undefined>
  read(request: ReadRequest): Promise<Page>
  /** Stream mode: acknowledge everything returned so far (called after it was written). */
  commit?(): Promise<void>
  close?(): Promise<void>
}

export interface StreamInfo {
  /** Supports `sync_mode: incremental`. */
  incremental?: boolean
  /** Supports `sync_mode: stream` (continuous). */
  stream?: boolean
  description?: string
}

export type AnySchema = v.GenericSchema<any, any>

/** A schema of an object whose entries can be merged with the common keys. */
export type ObjectSchema = v.ObjectSchema<v.ObjectEntries, any> | v.StrictObjectSchema<v.ObjectEntries, any>

export interface SourceDeclaration<C = any> {
  kind: 'source'
  name: string
  summary: string
  /** Stream names and their capabilities. */
  streams: Record<string, StreamInfo>
  /** The connector's own keys, written under `source:` beside the common ones. */
  config?: ObjectSchema
  /** Longer documentation (markdown) for generated docs. */
  docs?: string
  create(config: C, ctx: SourceContext): Source | Promise<Source>
}

/** The record a destination receives (reference §8.1). */
export interface DestinationRecord {
  bizon_id: string
  bizon_extracted_at: Date
  bizon_loaded_at: Date
  source_record_id: string
  source_timestamp: Date
  /** The record payload after transforms, as JSON text. */
  source_data: string
  /** Routing key; not a column. */
  destination_id?: string
}

export interface RecordColumn {
  name: string
  type: string
  description?: string
}

export interface RecordSchema {
  destination_id: string
  record_schema: RecordColumn[]
}

export interface DestinationContext {
  /** Pipeline `name`, `source.name`, `source.stream`. */
  pipeline: string
  source: string
  stream: string
  /**
   * Sync mode the destination materialises: `full_refresh` for full refresh runs and for resets
   * of incremental streams (replace), `incremental` (append) or `stream`.
   */
  syncMode: SyncMode
  /** `destination.config.destination_id`, or `<source>_<stream>` when unset. */
  destinationId: string
  jobId: string
  /** True when the job already has a committed destination cursor (a resumed run). */
  resuming: boolean
  recordSchemas: RecordSchema[]
  unnest: boolean
  logger: Logger
  baseDir: string
}

export interface WriteInfo {
  /** Target for this batch: the routed destination id or the context's one. */
  destinationId: string
}

export interface Destination {
  check?(): Promise<CheckResult>
  /**
   * Writes records. Must throw on failure (never drop a batch silently). Without `flush`, the
   * engine buffers pages and calls write once per buffer, and what write wrote must be durable
   * when it returns.
   */
  write(records: DestinationRecord[], info: WriteInfo): Promise<void>
  /**
   * Optional streaming mode: the engine then calls write for every page as it arrives (nothing
   * is held in memory) and calls flush when its buffer limits are reached; flush must make
   * everything written so far durable. The destination cursor is committed after flush.
   */
  flush?(): Promise<void>
  /**
   * With `flush`: writes may go on while a flush runs, and flush makes durable at least what was
   * written before it was called. The engine then keeps one flush in flight (its cursor is
   * committed when it ends) while the next pages are written, instead of waiting for the disk.
   */
  concurrentFlush?: boolean
  /** Publishes what was written (atomic swap for full refresh). Must be idempotent. */
  finalize?(): Promise<void>
  close?(): Promise<void>
}

export interface DestinationCapabilities {
  /** Write modes accepted under `config.write_mode`, if the destination has them. */
  writeModes?: string[]
}

export interface DestinationDeclaration<C = any> {
  kind: 'destination'
  name: string
  summary: string
  /** The connector's own keys, written under `destination.config` beside the common ones. */
  config?: ObjectSchema
  capabilities?: DestinationCapabilities
  docs?: string
  create(config: C, ctx: DestinationContext): Destination | Promise<Destination>
}

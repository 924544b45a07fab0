/** Test helpers for the SQL connectors: run a source to the end and hand its records to a destination, as the engine does. */
import type {
  DestinationContext,
  DestinationRecord,
  IncrementalInfo,
  Page,
  Pagination,
  Source,
  SourceContext,
  SourceRecord,
  SyncMode,
} from '../../../../src/index.ts'

export const silent = { debug() {}, info() {}, warn() {}, error() {} }

export function sourceContext(
  stream: string,
  syncMode: SyncMode = 'full_refresh',
  baseDir = process.cwd(),
): SourceContext {
  return { stream, syncMode, logger: silent, baseDir, signal: new AbortController().signal }
}

export function destinationContext(
  destinationId: string,
  syncMode: SyncMode,
  extra: Partial<DestinationContext> = {},
): DestinationContext {
  return {
    pipeline: 'test',
    source: 'test',
    stream: 'items',
    syncMode,
    destinationId,
    jobId: crypto.randomUUID().replaceAll('-', ''),
    resuming: false,
    recordSchemas: [],
    unnest: false,
    logger: silent,
    baseDir: process.cwd(),
    ...extra,
  }
}

export interface ReadResult {
  pages: Page[]
  records: SourceRecord[]
  /** The state of the last page (what the engine keeps for the next run). */
  state: unknown
}

/** Reads until `next` is empty, from `pagination` (default `{}`). */
export async function readAll(
  source: Source,
  stream: string,
  options: { pagination?: Pagination; incremental?: IncrementalInfo; maxPages?: number } = {},
): Promise<ReadResult> {
  const pages: Page[] = []
  let pagination = options.pagination ?? {}
  for (;;) {
    const page = await source.read({ stream, pagination, incremental: options.incremental })
    // Pagination and state are stored as JSON text by the backend.
    pages.push(JSON.parse(JSON.stringify({ ...page, records: [] })))
    pages[pages.length - 1].records = page.records
    if (!page.next || Object.keys(page.next).length === 0) break
    if (pages.length > (options.maxPages ?? 10_000)) throw new Error('source never ends')
    pagination = JSON.parse(JSON.stringify(page.next))
  }
  return { pages, records: pages.flatMap((p) => p.records), state: pages[pages.length - 1]?.state }
}

/** Destination records of §8.1, as the consumer builds them. */
export function toDestinationRecords(records: SourceRecord[], extractedAt = new Date()): DestinationRecord[] {
  const loaded = new Date()
  return records.map((r) => ({
    bizon_id: crypto.randomUUID().replaceAll('-', ''),
    bizon_extracted_at: extractedAt,
    bizon_loaded_at: loaded,
    source_record_id: String(r.id),
    source_timestamp: r.timestamp ?? extractedAt,
    source_data: JSON.stringify(r.data),
  }))
}

export function uniqueName(prefix: string): string {
  return `${prefix}_${Math.random().toString(36).slice(2, 10)}`
}

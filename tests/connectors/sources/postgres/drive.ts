/** Test helpers for the SQL connectors: run a source to the end and hand its records to a destination, as the engine does. */
import type { Sql } from 'postgres'
import * as v from 'valibot'
import type {
  Destination,
  DestinationContext,
  DestinationDeclaration,
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

/** Opens a destination as the engine does: `own` keys parsed by its schema (over `base`), plus small buffers. */
export async function openDestination(
  decl: DestinationDeclaration,
  base: Record<string, unknown>,
  own: Record<string, unknown>,
  ctx: DestinationContext,
): Promise<Destination> {
  const config = {
    ...v.parse(decl.config!, { ...base, ...own }),
    buffer_size: 50,
    buffer_flush_timeout: 600,
    unnest: ctx.unnest,
  }
  return decl.create(config as never, ctx)
}

/** Writes each batch to `destinationId`, then finalizes and closes, as one run of the engine. */
export async function writeRun(
  destination: Destination,
  batches: DestinationRecord[][],
  destinationId: string,
): Promise<void> {
  for (const batch of batches) await destination.write(batch, { destinationId })
  await destination.finalize?.()
  await destination.close?.()
}

/** Three upsert runs by id: the last record of a key wins and the repeated third run adds nothing. */
export const UPSERT_RUNS: Record<string, unknown>[][] = [
  [
    { id: 1, v: 'a' },
    { id: 2, v: 'b' },
    { id: 1, v: 'c' },
  ],
  [
    { id: 2, v: 'B' },
    { id: 3, v: 'x' },
  ],
  [
    { id: 2, v: 'B' },
    { id: 3, v: 'x' },
  ],
]
/** (id, v) of the rows after UPSERT_RUNS. */
export const UPSERTED = [
  ['1', 'c'],
  ['2', 'B'],
  ['3', 'x'],
]

/** `batches` of `size` envelope records of ~200 bytes each (the throughput benches); `tags` adds a quoted field. */
export function benchBatches(count: number, size: number, tags?: string[]): DestinationRecord[][] {
  const now = new Date()
  return Array.from({ length: count }, (_, b) =>
    Array.from({ length: size }, (_, i) => {
      const id = b * size + i
      return {
        bizon_id: crypto.randomUUID().replaceAll('-', ''),
        bizon_extracted_at: now,
        bizon_loaded_at: now,
        source_record_id: String(id),
        source_timestamp: now,
        source_data: JSON.stringify({
          id,
          name: `record ${id}`,
          email: `user${id}@example.org`,
          score: id * 0.5,
          ...(tags ? { tags } : {}),
          note: 'x'.repeat(80),
        }),
      }
    }),
  )
}

/** Milliseconds to open a destination, write `rounds` batches (cycling through `batches`) and finalize; close is not timed. */
export async function timeDestination(
  decl: DestinationDeclaration,
  base: Record<string, unknown>,
  ctx: DestinationContext,
  batches: DestinationRecord[][],
  rounds: number,
): Promise<number> {
  const start = performance.now()
  const dest = await openDestination(decl, base, {}, ctx)
  for (let r = 0; r < rounds; r++) await dest.write(batches[r % batches.length], { destinationId: 'bench' })
  await dest.finalize?.()
  const ms = performance.now() - start
  await dest.close?.()
  return ms
}

/** Creates schema `schema` with users (id, email, updated_at) of `rows` rows; `day` is row i's day offset in SQL. */
export async function createPgUsers(sql: Sql, schema: string, rows: number, day: string): Promise<void> {
  await sql.unsafe(`CREATE SCHEMA "${schema}"`)
  await sql.unsafe(
    `CREATE TABLE "${schema}".users (id int PRIMARY KEY, email text, updated_at timestamptz NOT NULL)`,
  )
  await sql.unsafe(
    `INSERT INTO "${schema}".users SELECT i, 'u' || i || '@x.org', '2024-01-01'::timestamptz + ${day} * interval '1 day' FROM generate_series(1, ${rows}) i`,
  )
}

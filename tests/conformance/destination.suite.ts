/**
 * The conformance suite every destination passes.
 *
 *   import { destinationSuite } from '../../../conformance/destination.suite.ts'
 *   destinationSuite('file', { decl, config: {}, readBack: (ctx) => readLines(ctx) })
 *
 * Options: `decl`; `config` (the destination's own `config` keys, or a function returning them,
 * called per test; common keys buffer_size/buffer_flush_timeout/unnest are added); `readBack(ctx)`
 * returns the published rows of `ctx.destinationId` (each with at least `source_record_id` and
 * `source_data`, as text or parsed), or `null` when the target does not exist; `cleanup(ctx)`
 * (optional) drops the target after a test; `examples` (example pipeline files or folders: each
 * must load with the real config loader, and one must use this destination); `skip` (a reason:
 * tests skipped, reason printed).
 * Every test uses a fresh `ctx.baseDir` (a temp folder) and a unique `ctx.destinationId`.
 * `makeRecords(prefix, n)` (exported) builds a batch as the engine would, for other tests.
 * It checks: a full refresh publishes exactly the written records at finalize and nothing before;
 * a second finalize (same instance, then a resumed instance) changes nothing; a full refresh
 * replaces the previous content; an empty full refresh publishes an empty target; incremental
 * runs append; a crashed full refresh (create, write, no finalize) followed by a fresh run
 * publishes only the fresh run's records.
 */
import { afterAll, describe, expect, test } from 'bun:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as v from 'valibot'
import type {
  Destination,
  DestinationContext,
  DestinationDeclaration,
  DestinationRecord,
  SyncMode,
} from '../../src/index.ts'
import { loadExamples } from './source.suite.ts'

export interface PublishedRow {
  source_record_id: string
  source_data: unknown
}

export interface DestinationSuiteOptions {
  decl: DestinationDeclaration
  config: Record<string, unknown> | (() => Record<string, unknown> | Promise<Record<string, unknown>>)
  readBack(ctx: DestinationContext): Promise<PublishedRow[] | null>
  cleanup?(ctx: DestinationContext): Promise<void>
  examples?: string[]
  skip?: string
}

const silent = { debug() {}, info() {}, warn() {}, error() {} }

/** `n` records with ids `<prefix>-<i>`, sharing their dates as an engine batch does. */
export function makeRecords(prefix: string, n: number): DestinationRecord[] {
  const extracted = new Date()
  const loaded = new Date()
  return Array.from({ length: n }, (_, i) => ({
    bizon_id: crypto.randomUUID().replaceAll('-', ''),
    bizon_extracted_at: extracted,
    bizon_loaded_at: loaded,
    source_record_id: `${prefix}-${i}`,
    source_timestamp: new Date(Date.UTC(2024, 0, 1) + i),
    source_data: JSON.stringify({ id: `${prefix}-${i}`, n: i, text: `"quoted" \\ ünïcode ${prefix}` }),
  }))
}

/** Published rows as sorted `[id, data]` pairs, comparable whatever the target's order and encoding. */
function normalise(rows: PublishedRow[] | null): [string, unknown][] | null {
  if (rows === null) return null
  return rows
    .map((row): [string, unknown] => [
      String(row.source_record_id),
      typeof row.source_data === 'string' ? JSON.parse(row.source_data) : row.source_data,
    ])
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
}

export function destinationSuite(name: string, options: DestinationSuiteOptions): void {
  const { decl } = options
  if (options.skip) console.warn(`destination conformance "${name}" skipped: ${options.skip}`)
  const folders: string[] = []
  const used: DestinationContext[] = []
  afterAll(async () => {
    for (const ctx of used) await options.cleanup?.(ctx)
    for (const dir of folders) rmSync(dir, { recursive: true, force: true })
  })

  /** A context for one target; later runs on the same target pass `base` and their own mode. */
  const contextFor = (
    syncMode: SyncMode,
    base?: DestinationContext,
    resuming = false,
  ): DestinationContext => {
    if (base) return { ...base, syncMode, resuming, jobId: crypto.randomUUID().replaceAll('-', '') }
    const baseDir = mkdtempSync(join(tmpdir(), `bizon-conf-${name}-`))
    folders.push(baseDir)
    const suffix = Math.random().toString(36).slice(2, 10)
    const ctx: DestinationContext = {
      pipeline: `conformance_${suffix}`,
      source: 'conformance',
      stream: 'items',
      syncMode,
      destinationId: `conf_${name}_${suffix}`,
      jobId: crypto.randomUUID().replaceAll('-', ''),
      resuming,
      recordSchemas: [],
      unnest: false,
      logger: silent,
      baseDir,
    }
    used.push(ctx)
    return ctx
  }

  const open = async (ctx: DestinationContext): Promise<Destination> => {
    const raw = typeof options.config === 'function' ? await options.config() : options.config
    const own = decl.config ? v.parse(decl.config, raw) : {}
    return decl.create({ buffer_size: 50, buffer_flush_timeout: 600, unnest: false, ...own }, ctx)
  }

  /** One complete run: create, write each batch, finalize, close. */
  const run = async (ctx: DestinationContext, batches: DestinationRecord[][]) => {
    const destination = await open(ctx)
    for (const batch of batches) await destination.write(batch, { destinationId: ctx.destinationId })
    await destination.finalize?.()
    await destination.close?.()
  }
  const published = async (ctx: DestinationContext) => normalise(await options.readBack(ctx))
  const expected = (...batches: DestinationRecord[][]) =>
    normalise(
      batches.flat().map((r) => ({ source_record_id: r.source_record_id, source_data: r.source_data })),
    )

  describe.skipIf(Boolean(options.skip))(`destination conformance: ${name}`, () => {
    test('a full refresh publishes exactly the written records at finalize, nothing before', async () => {
      const ctx = contextFor('full_refresh')
      const [a, b] = [makeRecords('a', 3), makeRecords('b', 2)]
      const destination = await open(ctx)
      await destination.write(a, { destinationId: ctx.destinationId })
      await destination.write(b, { destinationId: ctx.destinationId })
      expect((await published(ctx)) ?? []).toEqual([])
      await destination.finalize?.()
      expect(await published(ctx)).toEqual(expected(a, b))
      await destination.close?.()
    })

    test('finalizing again (same instance, then a resumed run) changes nothing', async () => {
      const ctx = contextFor('full_refresh')
      const a = makeRecords('a', 4)
      const destination = await open(ctx)
      await destination.write(a, { destinationId: ctx.destinationId })
      await destination.finalize?.()
      await destination.finalize?.()
      await destination.close?.()
      expect(await published(ctx)).toEqual(expected(a))
      // A crash after finalize but before the job was marked succeeded: the next run finalizes again.
      await run(contextFor('full_refresh', ctx, true), [])
      expect(await published(ctx)).toEqual(expected(a))
    })

    test('a full refresh replaces what the previous run published, at finalize', async () => {
      const ctx = contextFor('full_refresh')
      const [a, b] = [makeRecords('a', 3), makeRecords('b', 2)]
      await run(ctx, [a])
      const second = contextFor('full_refresh', ctx)
      const destination = await open(second)
      await destination.write(b, { destinationId: ctx.destinationId })
      expect(await published(ctx)).toEqual(expected(a))
      await destination.finalize?.()
      await destination.close?.()
      expect(await published(ctx)).toEqual(expected(b))
    })

    test('an empty full refresh publishes an empty target', async () => {
      const ctx = contextFor('full_refresh')
      await run(ctx, [])
      expect(await published(ctx)).toEqual([])
      await run(contextFor('full_refresh', ctx), [makeRecords('a', 2)])
      await run(contextFor('full_refresh', ctx), [])
      expect(await published(ctx)).toEqual([])
    })

    test('incremental runs append', async () => {
      const ctx = contextFor('incremental')
      const [a, b, c] = [makeRecords('a', 3), makeRecords('b', 2), makeRecords('c', 1)]
      await run(ctx, [a])
      expect(await published(ctx)).toEqual(expected(a))
      await run(contextFor('incremental', ctx), [b, c])
      expect(await published(ctx)).toEqual(expected(a, b, c))
    })

    if (options.examples)
      test('its example pipelines load and use it', async () => {
        const loaded = await loadExamples(options.examples!)
        expect(loaded.filter((e) => e.destination === decl.name).length).toBeGreaterThan(0)
      })

    test('a crashed full refresh is dropped by the next fresh run', async () => {
      const ctx = contextFor('full_refresh')
      const [a, b, c] = [makeRecords('a', 2), makeRecords('b', 3), makeRecords('c', 2)]
      await run(ctx, [a])
      const crashed = await open(contextFor('full_refresh', ctx))
      await crashed.write(b, { destinationId: ctx.destinationId })
      // No flush, no finalize: the process died here; its connections and locks went with it.
      await crashed.close?.()
      await run(contextFor('full_refresh', ctx), [c])
      expect(await published(ctx)).toEqual(expected(c))
      await crashed.close?.()
    })
  })
}

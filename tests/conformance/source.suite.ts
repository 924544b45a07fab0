/**
 * The conformance suite every source passes.
 *
 *   import { sourceSuite } from '../../../conformance/source.suite.ts'
 *   sourceSuite('dummy', { decl, config: { sleep: 0 }, stream: 'creatures', expect: { records: 5 } })
 *
 * Options: `decl` (the declaration), `config` (the connector's own keys as in YAML, or a function
 * returning them, called per test; common keys name/stream/sync_mode are added), `stream`,
 * `syncMode` (default `full_refresh`), `expect.records` / `expect.ids` (what a full read returns),
 * `maxPages` (default 10000: more pages count as "never ends"), `examples` (example pipeline files
 * or folders of them: each must load with the real config loader, and one must use this source),
 * `skip` (a reason, e.g. a service is absent: the tests are skipped and the reason printed).
 * It checks: the declaration (name, summary, streams, a description on every config key); a read
 * from `{}` ends with `next` null/`{}`; ids are strings or numbers, data is a JSON object;
 * resuming a new instance from a stored (JSON round-tripped) pagination returns the same remaining
 * records; `total()`, when the source has it, equals the number of records read.
 */
import { describe, expect, test } from 'bun:test'
import { readdirSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as v from 'valibot'
import type { Page, Pagination, SourceDeclaration, SourceRecord, SyncMode } from '../../src/index.ts'

export interface SourceSuiteOptions {
  decl: SourceDeclaration
  config: Record<string, unknown> | (() => Record<string, unknown> | Promise<Record<string, unknown>>)
  stream: string
  syncMode?: SyncMode
  expect?: { records?: number; ids?: (string | number)[] }
  maxPages?: number
  examples?: string[]
  skip?: string
}

const silent = { debug() {}, info() {}, warn() {}, error() {} }

/** Keys of an object schema whose schema (or a wrapped one) carries no description. */
export function undescribedKeys(schema: SourceDeclaration['config']): string[] {
  if (!schema) return []
  const described = (s: any): boolean => {
    for (let cur = s; cur; cur = cur.wrapped) if (v.getDescription(cur)) return true
    return false
  }
  return Object.entries(schema.entries)
    .filter(([, entry]) => !described(entry))
    .map(([key]) => key)
}

const repoRoot = fileURLToPath(new URL('../../', import.meta.url))

/** The `.yml` files among `paths` (files, or folders of them; relative to the repository root). */
function exampleFiles(paths: string[]): string[] {
  return paths
    .map((path) => resolve(repoRoot, path))
    .flatMap((path) =>
      statSync(path).isDirectory()
        ? readdirSync(path)
            .filter((f) => /\.ya?ml$/.test(f))
            .sort()
            .map((f) => join(path, f))
        : [path],
    )
}

/** Loads each example pipeline with the real loader; returns the names they use (source, destination). */
export async function loadExamples(
  paths: string[],
): Promise<{ file: string; source: string; destination: string }[]> {
  // Loaded here, not at the top: only suites given examples depend on the config loader.
  const { registry } = await import('../../src/cli/registry.ts')
  const { loadPipeline } = await import('../../src/config/load.ts')
  const loaded = []
  for (const file of exampleFiles(paths)) {
    const pipeline = await loadPipeline(file, registry).catch((error) => {
      const issues = (error.issues ?? []).map(
        (i: { path: string; message: string }) => `\n  ${i.path}: ${i.message}`,
      )
      throw new Error(`${file}: ${error.message}${issues.join('')}`)
    })
    loaded.push({ file, source: pipeline.source.name, destination: pipeline.destination.name })
  }
  return loaded
}

const isEnd = (next: Pagination | null) => next === null || Object.keys(next).length === 0

export function sourceSuite(name: string, options: SourceSuiteOptions): void {
  const { decl, stream, syncMode = 'full_refresh', maxPages = 10_000 } = options
  if (options.skip) console.warn(`source conformance "${name}" skipped: ${options.skip}`)

  const open = async () => {
    const raw = typeof options.config === 'function' ? await options.config() : options.config
    const own = decl.config ? v.parse(decl.config, raw) : {}
    const config = { ...own, name: decl.name, stream, sync_mode: syncMode }
    const ctx = {
      stream,
      syncMode,
      logger: silent,
      baseDir: process.cwd(),
      signal: new AbortController().signal,
    }
    return decl.create(config, ctx)
  }

  /** Reads to the end from `pagination` with a new instance; returns every page. */
  const readFrom = async (pagination: Pagination): Promise<Page[]> => {
    const source = await open()
    const pages: Page[] = []
    try {
      let current = pagination
      for (;;) {
        const page = await source.read({ stream, pagination: current })
        pages.push(page)
        if (isEnd(page.next)) return pages
        if (pages.length >= maxPages) throw new Error(`${name}: still not exhausted after ${maxPages} pages`)
        current = page.next!
      }
    } finally {
      await source.close?.()
    }
  }
  const idsOf = (pages: Page[]) => pages.flatMap((p) => p.records.map((r: SourceRecord) => r.id))

  describe.skipIf(Boolean(options.skip))(`source conformance: ${name}`, () => {
    test('declares a name, a summary, its streams and a description for every config key', () => {
      expect(decl.kind).toBe('source')
      expect(decl.name).toMatch(/^[a-z][a-z0-9_]*$/)
      expect(decl.summary.length).toBeGreaterThan(10)
      expect(Object.keys(decl.streams).length).toBeGreaterThan(0)
      expect(Object.keys(decl.streams)).toContain(stream)
      expect(undescribedKeys(decl.config)).toEqual([])
    })

    test('reads from {} until next is empty, with valid ids and JSON object data', async () => {
      const pages = await readFrom({})
      for (const page of pages) {
        expect(JSON.parse(JSON.stringify(page.next ?? null))).toEqual(page.next ?? null)
        if (page.state !== undefined) expect(() => JSON.stringify(page.state)).not.toThrow()
        for (const record of page.records) {
          expect(['string', 'number']).toContain(typeof record.id)
          expect(record.data !== null && typeof record.data === 'object' && !Array.isArray(record.data)).toBe(
            true,
          )
          expect(typeof JSON.stringify(record.data)).toBe('string')
          if (record.timestamp !== undefined) expect(Number.isNaN(record.timestamp.getTime())).toBe(false)
        }
      }
      const ids = idsOf(pages)
      if (options.expect?.records !== undefined) expect(ids.length).toBe(options.expect.records)
      if (options.expect?.ids) expect(ids).toEqual(options.expect.ids)
    })

    test('resumes from a stored pagination with the same remaining records', async () => {
      const pages = await readFrom({})
      const all = idsOf(pages)
      // From after the first page and from the middle: what a crash at either point would resume.
      const points = [...new Set([0, Math.floor((pages.length - 1) / 2)])].filter((k) => k < pages.length - 1)
      for (const k of points) {
        const stored = JSON.parse(JSON.stringify(pages[k]!.next)) as Pagination
        const done = idsOf(pages.slice(0, k + 1)).length
        expect(idsOf(await readFrom(stored))).toEqual(all.slice(done))
      }
    })

    if (options.examples)
      test('its example pipelines load and use it', async () => {
        const loaded = await loadExamples(options.examples!)
        expect(loaded.filter((e) => e.source === decl.name).length).toBeGreaterThan(0)
      })

    test('total(), when present, equals the number of records read', async () => {
      const source = await open()
      const total = await source.total?.()
      await source.close?.()
      if (total === undefined || total === null) return
      expect(total).toBe(idsOf(await readFrom({})).length)
    })
  })
}

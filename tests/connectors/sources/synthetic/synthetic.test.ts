/** The synthetic source: deterministic records, exact pagination, incremental by updated_at, fast. */
import { describe, expect, test } from 'bun:test'
import * as v from 'valibot'
import decl from '../../../../connectors/sources/synthetic/index.ts'
import type { IncrementalInfo, Page, Pagination, Source } from '../../../../src/index.ts'
import { sourceSuite } from '../../../conformance/source.suite.ts'

const silent = { debug() {}, info() {}, warn() {}, error() {} }
const examples = ['connectors/sources/synthetic/examples']

async function open(raw: Record<string, unknown> = {}, signal?: AbortSignal) {
  const config = {
    ...v.parse(decl.config!, raw),
    name: 'synthetic',
    stream: 'records',
    sync_mode: 'full_refresh',
  }
  const ctx = {
    stream: 'records',
    syncMode: 'full_refresh' as const,
    logger: silent,
    baseDir: '.',
    signal: signal ?? new AbortController().signal,
  }
  return decl.create(config as never, ctx)
}

async function readAll(
  source: Source,
  incremental?: IncrementalInfo,
  from: Pagination = {},
): Promise<Page[]> {
  const pages: Page[] = []
  let pagination = from
  for (;;) {
    const page = await source.read({ stream: 'records', pagination, incremental })
    pages.push(page)
    if (!page.next || Object.keys(page.next).length === 0) return pages
    pagination = page.next
  }
}
const ids = (pages: Page[]) => pages.flatMap((p) => p.records.map((r) => r.id))

sourceSuite('synthetic', {
  decl,
  config: { records: 2500, page_size: 1000 },
  stream: 'records',
  expect: { records: 2500 },
  examples,
})
sourceSuite('synthetic (empty)', { decl, config: { records: 0 }, stream: 'records', expect: { records: 0 } })

describe('synthetic source', () => {
  test('ids 0..records-1 in pages of page_size, with {offset} pagination', async () => {
    const pages = await readAll(await open({ records: 25, page_size: 10 }))
    expect(pages.map((p) => p.next)).toEqual([{ offset: 10 }, { offset: 20 }, {}])
    expect(ids(pages)).toEqual(Array.from({ length: 25 }, (_, i) => i))
  })

  test('data is deterministic for a seed, about record_bytes long, dated by updated_at', async () => {
    const [first] = await readAll(await open({ records: 5, seed: 7, record_bytes: 300 }))
    const [again] = await readAll(await open({ records: 5, seed: 7, record_bytes: 300 }))
    const [other] = await readAll(await open({ records: 5, seed: 8, record_bytes: 300 }))
    expect(again!.records.map((r) => r.data)).toEqual(first!.records.map((r) => r.data))
    expect(other!.records.map((r) => r.data)).not.toEqual(first!.records.map((r) => r.data))
    const record = first!.records[3]!
    expect(Object.keys(record.data)).toEqual(['id', 'name', 'score', 'updated_at', 'filler'])
    expect(record.data.updated_at).toBe('2024-01-01T00:00:00.003Z')
    expect(record.timestamp?.toISOString()).toBe('2024-01-01T00:00:00.003Z')
    for (const r of first!.records)
      expect(Math.abs(JSON.stringify(r.data).length - 300)).toBeLessThanOrEqual(10)
  })

  test('start_time moves every updated_at; dates cross second boundaries correctly', async () => {
    const pages = await readAll(
      await open({ records: 1002, page_size: 1000, start_time: '2025-06-30T23:59:59.999Z' }),
    )
    const dates = pages.flatMap((p) => p.records.map((r) => r.data.updated_at))
    expect(dates[0]).toBe('2025-06-30T23:59:59.999Z')
    expect(dates[1]).toBe('2025-07-01T00:00:00.000Z')
    expect(dates[1001]).toBe('2025-07-01T00:00:01.000Z')
  })

  test('an incremental run returns only records after the stored max_updated_at, and total says so', async () => {
    const first = await readAll(await open({ records: 1000, page_size: 300 }))
    const state = JSON.parse(JSON.stringify(first.at(-1)!.state))
    expect(state).toEqual({ max_updated_at: '2024-01-01T00:00:00.999Z' })
    // Records grew between runs: only the 500 new ones come back.
    const incremental = { lastRun: new Date(), state }
    const grown = await open({ records: 1500, page_size: 300 })
    expect(await (grown.total as (r: object) => Promise<number>)({ incremental })).toBe(500)
    const second = await readAll(grown, incremental)
    expect(ids(second)).toEqual(Array.from({ length: 500 }, (_, i) => 1000 + i))
    expect(second.at(-1)!.state).toEqual({ max_updated_at: '2024-01-01T00:00:01.499Z' })
    // Nothing new: no records, and the state stays where it was.
    const none = await readAll(await open({ records: 1500 }), {
      lastRun: new Date(),
      state: second.at(-1)!.state,
    })
    expect(ids(none)).toEqual([])
    expect(none.at(-1)!.state).toEqual({ max_updated_at: '2024-01-01T00:00:01.499Z' })
  })

  test('without state, the previous run time is the watermark', async () => {
    const lastRun = new Date('2024-01-01T00:00:00.010Z')
    expect(ids(await readAll(await open({ records: 15 }), { lastRun, state: null }))).toEqual([
      11, 12, 13, 14,
    ])
  })

  test('a resumed incremental run continues from its stored offset', async () => {
    const incremental = { lastRun: new Date(), state: { max_updated_at: '2024-01-01T00:00:00.099Z' } }
    const pages = await readAll(await open({ records: 400, page_size: 100 }), incremental)
    expect(ids(pages)[0]).toBe(100)
    const resumed = await readAll(await open({ records: 400, page_size: 100 }), incremental, pages[1]!.next!)
    expect(ids(resumed)).toEqual(Array.from({ length: 100 }, (_, i) => 300 + i))
  })

  test('fail_at_page fails that page with a clear error; a run without it resumes there', async () => {
    const source = await open({ records: 300, page_size: 100, fail_at_page: 1 })
    const page0 = await source.read({ stream: 'records', pagination: {} })
    await expect(source.read({ stream: 'records', pagination: page0.next! })).rejects.toThrow(
      'Source "synthetic" could not read page 1: fail_at_page is 1',
    )
    expect(ids(await readAll(await open({ records: 300, page_size: 100 }), undefined, page0.next!))[0]).toBe(
      100,
    )
  })

  test('sleep_ms pauses each page, and stopping the run interrupts it', async () => {
    const started = performance.now()
    await (await open({ records: 10, sleep_ms: 60 })).read({ stream: 'records', pagination: {} })
    expect(performance.now() - started).toBeGreaterThanOrEqual(55)
    const stop = new AbortController()
    const read = (await open({ sleep_ms: 60_000 }, stop.signal)).read({ stream: 'records', pagination: {} })
    setTimeout(() => stop.abort(new Error('run stopping')), 10)
    await expect(read).rejects.toThrow('run stopping')
  })

  // Its speed is measured by scripts/bench, not asserted here (a loaded machine would fail it).
  test('pages through a million records to the end', async () => {
    const source = await open({ records: 1_000_000, page_size: 1000 })
    let count = 0
    let pages = 0
    let pagination: Pagination = {}
    for (let page = await source.read({ stream: 'records', pagination }); ; ) {
      count += page.records.length
      pages += 1
      if (!page.next || Object.keys(page.next).length === 0) break
      pagination = page.next
      page = await source.read({ stream: 'records', pagination })
    }
    expect(count).toBe(1_000_000)
    expect(pages).toBe(1000)
  })
})

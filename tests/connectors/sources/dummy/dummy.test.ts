/** The dummy source answers the reference's fake API exactly (reference §9.5). */
import { describe, expect, test } from 'bun:test'
import * as v from 'valibot'
import decl from '../../../../connectors/sources/dummy/index.ts'
import type { Page, Pagination, Source, SyncMode } from '../../../../src/index.ts'
import { sourceSuite } from '../../../conformance/source.suite.ts'

const silent = { debug() {}, info() {}, warn() {}, error() {} }

async function open(
  raw: Record<string, unknown> = {},
  syncMode: SyncMode = 'full_refresh',
  signal?: AbortSignal,
) {
  const config = { ...v.parse(decl.config!, raw), name: 'dummy', stream: 'creatures', sync_mode: syncMode }
  const ctx = {
    stream: 'creatures',
    syncMode,
    logger: silent,
    baseDir: '.',
    signal: signal ?? new AbortController().signal,
  }
  return decl.create(config as never, ctx)
}

async function readAll(source: Source, stream: string): Promise<Page[]> {
  const pages: Page[] = []
  let pagination: Pagination = {}
  for (;;) {
    const page = await source.read({ stream, pagination })
    pages.push(page)
    if (!page.next || Object.keys(page.next).length === 0) return pages
    pagination = page.next
  }
}

const examples = ['connectors/sources/dummy/examples', 'examples/quickstart.yml']
sourceSuite('dummy (creatures)', { decl, config: {}, stream: 'creatures', expect: { records: 5 }, examples })
sourceSuite('dummy (plants)', { decl, config: { sleep: 0 }, stream: 'plants', expect: { records: 5 } })

describe('dummy source', () => {
  test('creatures come in three cursor pages with the reference ids, names and ages', async () => {
    const pages = await readAll(await open(), 'creatures')
    expect(pages.map((p) => p.next)).toEqual([
      { cursor: 'vfvfvuhfefpeiduzhihxb' },
      { cursor: 'final-cursor' },
      {},
    ])
    expect(pages.map((p) => p.records.map((r) => r.data))).toEqual([
      [
        { id: 9898, name: 'bizon', age: 26 },
        { id: 88787, name: 'croco', age: 23 },
      ],
      [
        { id: 98, name: 'froggy', age: 26 },
        { id: 3333, name: 'turtle', age: 23 },
      ],
      [{ id: 56565, name: 'poulpo', age: 26 }],
    ])
    expect(pages.flatMap((p) => p.records.map((r) => r.id))).toEqual([9898, 88787, 98, 3333, 56565])
  })

  test('plants share the ids and ages, with their own names', async () => {
    const pages = await readAll(await open(), 'plants')
    const data = pages.flatMap((p) => p.records.map((r) => r.data))
    expect(data.map((d) => d.name)).toEqual(['tree', 'flower', 'cactus', 'bamboo', 'rose'])
    expect(data.map((d) => d.id)).toEqual([9898, 88787, 98, 3333, 56565])
    expect(data.map((d) => d.age)).toEqual([26, 23, 26, 23, 26])
  })

  test('any cursor other than final-cursor gives page 2; total is 5', async () => {
    const source = await open()
    const page = await source.read({ stream: 'creatures', pagination: { cursor: 'anything' } })
    expect(page.records.map((r) => r.data.name)).toEqual(['froggy', 'turtle'])
    expect(await source.total?.()).toBe(5)
  })

  test('in stream mode page 2 is routed to "routed", the others to the stream name', async () => {
    const pages = await readAll(await open({}, 'stream'), 'plants')
    expect(pages.flatMap((p) => p.records.map((r) => r.destinationId))).toEqual([
      'plants',
      'plants',
      'routed',
      'routed',
      'plants',
    ])
    const batch = await readAll(await open({}, 'full_refresh'), 'plants')
    expect(batch.flatMap((p) => p.records.map((r) => r.destinationId))).toEqual(Array(5).fill(undefined))
  })

  test('sleep (fractional seconds) delays each call', async () => {
    const source = await open({ sleep: 0.15 })
    const started = performance.now()
    await source.read({ stream: 'creatures', pagination: {} })
    expect(performance.now() - started).toBeGreaterThanOrEqual(140)
  })

  test('stopping the run interrupts a sleep at once', async () => {
    const stop = new AbortController()
    const source = await open({ sleep: 30 }, 'full_refresh', stop.signal)
    const started = performance.now()
    const read = source.read({ stream: 'creatures', pagination: {} })
    setTimeout(() => stop.abort(new Error('run stopping')), 20)
    await expect(read).rejects.toThrow('run stopping')
    expect(performance.now() - started).toBeLessThan(1000)
  })

  test('authentication accepts api_key and oauth with token params, and rejects other types', () => {
    const parsed = v.parse(decl.config!, { authentication: { type: 'oauth', params: { token: 't0k3n' } } })
    expect(parsed.authentication).toEqual({
      type: 'oauth',
      params: { token: 't0k3n', auth_method: 'Bearer', auth_header: 'Authorization' },
    })
    expect(
      v.safeParse(decl.config!, { authentication: { type: 'api_key', params: { token: 'x' } } }).success,
    ).toBe(true)
    expect(
      v.safeParse(decl.config!, { authentication: { type: 'basic', params: { token: 'x' } } }).success,
    ).toBe(false)
    expect(v.safeParse(decl.config!, { authentication: { type: 'api_key', params: {} } }).success).toBe(false)
    expect(v.safeParse(decl.config!, { sleep: -1 }).success).toBe(false)
  })
})

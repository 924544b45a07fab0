/** The consumer's flushes: one in flight beside the next writes (concurrentFlush), cursors in order. */
import { describe, expect, test } from 'bun:test'
import type { DestinationCursorInput } from '../../src/backends/types.ts'
import { consume } from '../../src/engine/consumer.ts'
import type { RunContext } from '../../src/engine/context.ts'
import type { Destination, DestinationRecord } from '../../src/plugin/types.ts'
import { createMemoryQueue } from '../../src/queues/memory/queue.ts'

const PAGES = 8

interface Harness {
  events: string[]
  cursors: DestinationCursorInput[]
  run(): Promise<Awaited<ReturnType<typeof consume>>>
}

/**
 * A consumer fed PAGES pages of 10 records, with a buffer that takes one page (each page flushes),
 * and a streaming destination whose flush takes `flushMs` and fails at flush number `failAt`.
 * `slowSource`: a large buffer flushed by age (50 ms) while the source pauses 150 ms between pages.
 */
function harness(options: {
  concurrentFlush: boolean
  flushMs: number
  failAt?: number
  slowSource?: boolean
}): Harness {
  const events: string[] = []
  const cursors: DestinationCursorInput[] = []
  let flushes = 0
  const destination: Destination = {
    async write(records: DestinationRecord[]) {
      events.push(`write ${records[0]!.source_record_id.split('-')[0]}`)
    },
    async flush() {
      const n = flushes++
      events.push(`flush ${n} start`)
      await Bun.sleep(options.flushMs)
      if (n === options.failAt) {
        events.push(`flush ${n} failed`)
        throw new Error('disk full')
      }
      events.push(`flush ${n} end`)
    },
    concurrentFlush: options.concurrentFlush,
  }
  const silent = new Proxy({}, { get: () => () => {} })
  const ctx = {
    key: { name: 'p', sourceName: 's', streamName: 'r' },
    config: {
      destination: {
        config: options.slowSource
          ? { buffer_size: 50, buffer_flush_timeout: 0.05 }
          : { buffer_size: 0.0001, buffer_flush_timeout: 0 },
      },
    },
    backend: {
      async createDestinationCursor(cursor: DestinationCursorInput) {
        if (cursor.success) events.push(`cursor ${cursor.toSourceIteration}`)
        cursors.push(cursor)
      },
      async updateJob(_id: string, change: { incrementalState?: { page: number } }) {
        if (change.incrementalState) events.push(`state ${change.incrementalState.page}`)
      },
    },
    plan: { job: { id: 'job', syncMode: 'full_refresh' }, start: { iteration: 0 } },
    logger: silent,
    observer: silent,
    signal: new AbortController().signal,
    destinationName: 'fake',
    destinationId: 'out',
    source: {},
    destination,
    transforms: [],
    syncCursorEvery: 1,
  } as unknown as RunContext
  const queue = createMemoryQueue({ maxMessages: 100, maxRecords: 100_000 })
  return {
    events,
    cursors,
    async run() {
      const consuming = consume(ctx, queue)
      for (let iteration = 0; iteration < PAGES; iteration++) {
        if (options.slowSource && iteration > 0) await Bun.sleep(150)
        await queue.put({
          type: 'page',
          iteration,
          records: Array.from({ length: 10 }, (_, i) => ({ id: `${iteration}-${i}`, data: { i } })),
          extractedAt: new Date(),
          pagination: iteration === PAGES - 1 ? null : { page: iteration + 1 },
          state: { page: iteration },
        })
      }
      await queue.put({ type: 'end', iteration: PAGES, outcome: 'success' })
      return consuming
    },
  }
}

describe('consumer flushes', () => {
  test('concurrentFlush: pages are written while a flush runs, cursors commit in order after their flush', async () => {
    const h = harness({ concurrentFlush: true, flushMs: 30 })
    const result = await h.run()
    expect(result.status).toBe('success')
    expect(result.finished).toBe(true)
    const { events } = h
    // The page after a flush's range was written before that flush ended.
    expect(events.indexOf('write 1')).toBeLessThan(events.indexOf('flush 0 end'))
    // One flush at a time, each cursor right after its flush, every page covered once, in order.
    // The incremental state goes in before the cursor (a crash between them redoes the range).
    const flushEvents = events.filter((e) => !e.startsWith('write'))
    for (let i = 0; i + 3 < flushEvents.length; i += 4) {
      const n = i / 4
      const [start, end, state, cursor] = flushEvents.slice(i, i + 4)
      expect([start, end]).toEqual([`flush ${n} start`, `flush ${n} end`])
      expect(state).toMatch(/^state /)
      expect(cursor).toBe(`cursor ${state!.slice('state '.length)}`)
    }
    const covered = h.cursors.flatMap((c) =>
      Array.from(
        { length: c.toSourceIteration - c.fromSourceIteration + 1 },
        (_, k) => c.fromSourceIteration + k,
      ),
    )
    expect(covered).toEqual([...Array(PAGES).keys()])
  })

  test('without concurrentFlush nothing is written while a flush runs', async () => {
    const h = harness({ concurrentFlush: false, flushMs: 20 })
    expect((await h.run()).status).toBe('success')
    let flushing = false
    for (const event of h.events) {
      if (event.endsWith('start')) flushing = true
      if (event.endsWith('end')) flushing = false
      if (event.startsWith('write')) expect(flushing).toBe(false)
    }
  })

  test('a flush failing in the background stops the run: destination_error, no later cursor', async () => {
    const h = harness({ concurrentFlush: true, flushMs: 20, failAt: 1 })
    const result = await h.run()
    expect(result.status).toBe('destination_error')
    expect(String(result.error)).toContain('disk full')
    expect(result.finished).toBe(false)
    const ok = h.cursors.filter((c) => c.success)
    expect(ok.map((c) => c.toSourceIteration)).toEqual([0])
    expect(h.cursors.some((c) => !c.success)).toBe(true)
    // No flush starts after the failed one, and only the page being written when it failed follows it.
    const failedAt = h.events.indexOf('flush 1 failed')
    const after = h.events.slice(failedAt + 1)
    expect(after.filter((e) => e.startsWith('flush'))).toEqual([])
    expect(after.filter((e) => e.startsWith('write')).length).toBeLessThanOrEqual(1)
  })

  test('a flush by age that fails while the consumer waits for pages is a destination_error', async () => {
    const h = harness({ concurrentFlush: true, flushMs: 5, failAt: 0, slowSource: true })
    const result = await h.run()
    expect(result.status).toBe('destination_error')
    expect(String(result.error)).toContain('disk full')
    expect(h.cursors.filter((c) => c.success)).toEqual([])
  })
})

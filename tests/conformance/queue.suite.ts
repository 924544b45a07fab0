/** The queue conformance suite: every queue (memory, nats) must pass these cases. */
import { afterAll, describe, expect, test } from 'bun:test'
import type { Logger } from '../../src/plugin/types.ts'
import type { EndMessage, PageMessage, Queue, QueueMessage } from '../../src/queues/types.ts'

export interface QueueSuiteContext {
  /** Two queues made with the same key share their storage (like a restarted process would). */
  key: string
  jobId: string
  /** When set, the queue holds at most this many messages before put() blocks. */
  capacity?: number
  logger: Logger
  signal: AbortSignal
}

export interface QueueSuiteOptions {
  /** The queue keeps messages across instances (redelivery after a restart); false skips those cases. */
  durable: boolean
  /** Removes what the suite's queues left behind (streams, files), once at the end. */
  cleanup?: () => Promise<void>
}

export const quietLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} }

let keys = 0
const newKey = () =>
  `${Date.now().toString(36)}${(keys++).toString(36)}${Math.random().toString(36).slice(2, 6)}`
const newJob = () => crypto.randomUUID().replaceAll('-', '')

export function page(iteration: number, records = 2): PageMessage {
  return {
    type: 'page',
    iteration,
    extractedAt: new Date(Date.UTC(2026, 0, 2, 3, 4, 5, iteration % 1000)),
    pagination: { page: iteration + 1 },
    records: Array.from({ length: records }, (_, i) => ({
      id: `${iteration}-${i}`,
      data: { iteration, i, name: `record ${i}` },
      timestamp: new Date(Date.UTC(2025, 5, 6, 7, 8, 9, i)),
    })),
  }
}

const end = (iteration: number): EndMessage => ({ type: 'end', iteration, outcome: 'success' })

export function queueSuite(
  name: string,
  make: (ctx: QueueSuiteContext) => Promise<Queue>,
  options: QueueSuiteOptions,
): void {
  describe(`queue conformance: ${name}`, () => {
    const open: Queue[] = []
    const start = async (ctx: Partial<QueueSuiteContext> = {}) => {
      const queue = await make({
        key: ctx.key ?? newKey(),
        jobId: ctx.jobId ?? newJob(),
        capacity: ctx.capacity,
        logger: quietLogger,
        signal: new AbortController().signal,
      })
      open.push(queue)
      await queue.connect()
      return queue
    }
    const get = (queue: Queue, ms = 5000) => queue.get(AbortSignal.timeout(ms))

    afterAll(async () => {
      for (const queue of open) await queue.close().catch(() => undefined)
      await options.cleanup?.()
    })

    test('hands pages out in the order they were put, then the end message', async () => {
      const queue = await start()
      for (let i = 0; i < 10; i++) await queue.put(page(i))
      await queue.put(end(10))
      const seen: number[] = []
      for (let i = 0; i < 10; i++) {
        const message = await get(queue)
        seen.push(message.iteration)
        await queue.ack(message.iteration)
      }
      expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
      expect(await get(queue)).toEqual({ type: 'end', iteration: 10, outcome: 'success' })
      await queue.ack(10)
    })

    test('the end message carries the producer outcome and error', async () => {
      const queue = await start()
      const failed: EndMessage = {
        type: 'end',
        iteration: 3,
        outcome: 'source_error',
        error: 'API said 500 — «réessayez»',
      }
      await queue.put(failed)
      expect(await get(queue)).toEqual(failed)
      await queue.ack(3)
    })

    test('pagination, state, records, dates and unicode come back exactly', async () => {
      const queue = await start()
      const message: PageMessage = {
        type: 'page',
        iteration: 0,
        extractedAt: new Date('2026-11-27T10:20:30.456Z'),
        pagination: {
          cursor: 'abc',
          done: false,
          more: true,
          last: null,
          nested: { list: [1, 'two', null, true] },
        },
        state: { max_updated_at: '2026-11-27T10:00:00Z', count: 3 },
        records: [
          {
            id: 'é-1',
            data: {
              text: 'naïve café 日本語 🦬',
              emoji: '👩‍👩‍👧',
              quote: '"\\\n\t',
              n: 1.5,
              big: 2 ** 53 - 1,
            },
            timestamp: new Date('2020-02-29T23:59:59.999Z'),
            destinationId: 'dest_a',
          },
          { id: 42, data: { nothing: null, empty: {}, list: [] } },
        ],
      }
      await queue.put(message)
      const got = await get(queue)
      expect(got).toEqual(message)
      const first = (got as PageMessage).records[0]!
      expect(first.timestamp).toBeInstanceOf(Date)
      expect((got as PageMessage).records[1]!.id).toBe(42)
      expect((got as PageMessage).records[1]!.timestamp).toBeUndefined()
      expect((got as PageMessage).extractedAt.getTime()).toBe(message.extractedAt.getTime())
      await queue.ack(0)
      await queue.put({ ...page(1), pagination: null })
      expect(((await get(queue)) as PageMessage).pagination).toBeNull()
      await queue.ack(1)
    })

    test('get() rejects when its signal aborts', async () => {
      const queue = await start()
      await expect(queue.get(AbortSignal.timeout(200))).rejects.toBeDefined()
    })

    test('put() blocks while the queue is full and resumes as the consumer drains it', async () => {
      const capacity = 2
      const total = capacity + 3
      const queue = await start({ capacity })
      let done = 0
      const putting = (async () => {
        for (let i = 0; i < total; i++) {
          await queue.put(page(i))
          done++
        }
        await queue.put(end(total))
      })()
      await Bun.sleep(500)
      expect(done).toBeLessThan(total)
      const seen: number[] = []
      for (;;) {
        const message = await get(queue, 15_000)
        await queue.ack(message.iteration)
        if (message.type === 'end') break
        seen.push(message.iteration)
      }
      await putting
      expect(seen).toEqual([0, 1, 2, 3, 4])
    }, 30_000)

    test.skipIf(!options.durable)(
      'a restarted consumer gets again what was not acked, not what was',
      async () => {
        const key = newKey()
        const jobId = newJob()
        const producer = await start({ key, jobId })
        for (let i = 0; i < 5; i++) await producer.put(page(i))
        await producer.put(end(5))
        await producer.close()

        const first = await start({ key, jobId })
        expect((await get(first)).iteration).toBe(0)
        expect((await get(first)).iteration).toBe(1)
        await first.ack(1)
        expect((await get(first)).iteration).toBe(2) // handed out, never acked: the consumer "crashes"
        await first.close()

        const second = await start({ key, jobId })
        const seen: QueueMessage[] = []
        for (;;) {
          const message = await get(second)
          seen.push(message)
          if (message.type === 'end') break
        }
        expect(seen.map((m) => m.iteration)).toEqual([2, 3, 4, 5])
        expect(seen[0]).toEqual(page(2))
        await second.ack(5)
        await second.close()

        const third = await start({ key, jobId })
        await expect(third.get(AbortSignal.timeout(1000))).rejects.toBeDefined()
      },
      30_000,
    )

    test.skipIf(!options.durable)(
      "a new job does not receive an earlier job's leftover messages",
      async () => {
        const key = newKey()
        const old = await start({ key })
        await old.put(page(0, 1))
        await old.put(page(1, 1))
        await old.close()

        const jobId = newJob()
        const queue = await start({ key, jobId })
        const fresh = { ...page(0, 3), pagination: { job: 'new' } }
        await queue.put(fresh)
        await queue.put(end(1))
        expect(await get(queue)).toEqual(fresh)
        expect((await get(queue)).type).toBe('end')
        await queue.ack(1)
      },
      30_000,
    )
  })
}

/** The in-process queue: a bounded async channel. A full queue blocks the producer. */
import type { Queue, QueueMessage } from '../types.ts'

export interface MemoryQueueOptions {
  /** Most messages (pages) held at once. */
  maxMessages: number
  /** Most records held at once (approximate back-pressure on page sizes). */
  maxRecords: number
}

export function createMemoryQueue(options: MemoryQueueOptions): Queue {
  const items: QueueMessage[] = []
  let head = 0
  let records = 0
  let takers: Array<(message: QueueMessage) => void> = []
  let spaceWaiters: Array<() => void> = []
  let closed = false

  const length = () => items.length - head
  const hasSpace = () =>
    closed || length() === 0 || (length() < options.maxMessages && records < options.maxRecords)
  const wakeSpace = () => {
    const waiters = spaceWaiters
    spaceWaiters = []
    for (const wake of waiters) wake()
  }

  return {
    async connect() {},
    async put(message) {
      while (!hasSpace()) await new Promise<void>((resolve) => spaceWaiters.push(resolve))
      if (closed) return
      const taker = takers.shift()
      if (taker) return taker(message)
      items.push(message)
      if (message.type === 'page') records += message.records.length
    },
    get(signal) {
      if (length() > 0) {
        const message = items[head]!
        items[head++] = undefined as never
        if (head > 1024 && head * 2 > items.length) {
          items.splice(0, head)
          head = 0
        }
        if (message.type === 'page') records -= message.records.length
        wakeSpace()
        return Promise.resolve(message)
      }
      return new Promise<QueueMessage>((resolve, reject) => {
        const taker = (message: QueueMessage) => {
          signal?.removeEventListener('abort', onAbort)
          resolve(message)
        }
        const onAbort = () => {
          takers = takers.filter((t) => t !== taker)
          reject(signal?.reason ?? new Error('aborted'))
        }
        if (signal?.aborted) return onAbort()
        signal?.addEventListener('abort', onAbort, { once: true })
        takers.push(taker)
        wakeSpace()
      })
    },
    async ack() {},
    size: () => length(),
    async close() {
      // Unblocks a producer waiting for space: after close, puts are dropped.
      closed = true
      wakeSpace()
    },
  }
}

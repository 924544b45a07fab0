/** Waiting for the next message of a consumer with a timeout and an abort signal, without losing it. */
import type { ConsumerMessages, JsMsg } from '@nats-io/jetstream'
import { BizonError } from '../../errors.ts'

/** `pull(wait)` resolves with the next message, or null after `waitMs`; a message that arrives later is kept. */
export function createPuller(messages: ConsumerMessages, stream: string) {
  const iterator = messages[Symbol.asyncIterator]()
  let pendingNext: Promise<IteratorResult<JsMsg>> | undefined
  return async function pull(waitMs: number | undefined, signal?: AbortSignal): Promise<JsMsg | null> {
    pendingNext ??= iterator.next()
    let timer: ReturnType<typeof setTimeout> | undefined
    let onAbort: (() => void) | undefined
    const racers: Promise<IteratorResult<JsMsg> | null>[] = [pendingNext]
    if (waitMs !== undefined)
      racers.push(new Promise((resolve) => (timer = setTimeout(() => resolve(null), waitMs))))
    if (signal) {
      racers.push(
        new Promise((_, reject) => {
          onAbort = () => reject(signal.reason ?? new Error('aborted'))
          if (signal.aborted) onAbort()
          else signal.addEventListener('abort', onAbort, { once: true })
        }),
      )
    }
    try {
      const result = await Promise.race(racers)
      if (result === null) return null
      pendingNext = undefined
      if (result.done) {
        throw new BizonError(
          'queue',
          `Queue "nats" could not read stream "${stream}": the consumer stopped. Run again.`,
        )
      }
      return result.value
    } finally {
      clearTimeout(timer)
      if (onAbort) signal?.removeEventListener('abort', onAbort)
    }
  }
}

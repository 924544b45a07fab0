/** The `thread` runner: producer and consumer as concurrent tasks on one event loop (reference §7.1). */
import { type ConsumerResult, consume } from '../../engine/consumer.ts'
import type { RunContext } from '../../engine/context.ts'
import { produce } from '../../engine/producer.ts'
import type { EndMessage, Queue } from '../../queues/types.ts'

export interface ThreadResult {
  producer: EndMessage
  consumer: ConsumerResult
}

export type Producer = (ctx: RunContext, queue: Queue) => Promise<EndMessage>

export async function runThread(
  ctx: RunContext,
  queue: Queue,
  producer: Producer = produce,
): Promise<ThreadResult> {
  // Each side can stop the other (decision 2; upstream's check never stopped the consumer).
  const stopProducer = new AbortController()
  const stopConsumer = new AbortController()
  const producerCtx = { ...ctx, signal: AbortSignal.any([ctx.signal, stopProducer.signal]) }
  const consumerCtx = { ...ctx, signal: stopConsumer.signal }

  const consumer = consume(consumerCtx, queue).then(async (result) => {
    if (result.status !== 'success') {
      stopProducer.abort()
      await queue.close()
    }
    return result
  })
  const producing = producer(producerCtx, queue).then((end) => {
    // The end message follows the producer's last page, unless the queue itself failed or is
    // durable (no end is published for a failed run): then the consumer is stopped directly.
    if (end.outcome === 'queue_error' || (end.outcome !== 'success' && queue.durable)) stopConsumer.abort()
    return end
  })
  const [producerEnd, consumerResult] = await Promise.all([producing, consumer])
  return { producer: producerEnd, consumer: consumerResult }
}

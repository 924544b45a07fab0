/** Declaration of the `memory` queue (alias `python_queue`). */
import * as v from 'valibot'
import type { QueueDeclaration } from '../types.ts'

export const MemoryQueueConfig = v.object({
  max_nb_messages: v.optional(
    v.pipe(
      v.number(),
      v.integer(),
      v.minValue(1),
      v.description(
        'Most records waiting in the queue before the producer blocks (a page larger than this still goes alone). Bounds memory with large pages.',
      ),
    ),
    10_000,
  ),
  queue: v.optional(
    v.object({
      max_size: v.optional(
        v.pipe(
          v.number(),
          v.integer(),
          v.minValue(0),
          v.description('Most pages waiting in the queue; 0 = the default bound (16).'),
        ),
        0,
      ),
    }),
    {},
  ),
  consumer: v.optional(
    v.object({
      poll_interval: v.optional(v.pipe(v.number(), v.description('Accepted for compatibility; unused.')), 2),
    }),
    {},
  ),
})
export type MemoryQueueConfig = v.InferOutput<typeof MemoryQueueConfig>

export const memoryQueue: QueueDeclaration<MemoryQueueConfig> = {
  kind: 'queue',
  name: 'memory',
  aliases: ['python_queue'],
  summary: 'In-process bounded queue (default). Producer and consumer share one process.',
  config: MemoryQueueConfig,
  async create(config) {
    const { createMemoryQueue } = await import('./queue.ts')
    return createMemoryQueue({
      maxMessages: config.queue?.max_size || 16,
      maxRecords: config.max_nb_messages,
    })
  },
}

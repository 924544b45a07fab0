/** The memory queue passes the queue conformance suite (durability cases do not apply). */
import { createMemoryQueue } from '../../src/queues/memory/queue.ts'
import { queueSuite } from '../conformance/queue.suite.ts'

queueSuite(
  'memory',
  async (ctx) => createMemoryQueue({ maxMessages: ctx.capacity ?? 16, maxRecords: 1_000_000 }),
  {
    durable: false,
  },
)

/** A producer in its own process (for the cross-process test): puts N pages and the end message, then exits. */
import * as v from 'valibot'
import { NatsQueueConfig } from '../../../src/queues/nats/index.ts'
import { createNatsQueue } from '../../../src/queues/nats/queue.ts'
import { page, quietLogger } from '../../conformance/queue.suite.ts'

const [servers, stream, subject, jobId, count] = process.argv.slice(2)
const config = v.parse(NatsQueueConfig, { servers, stream, subject, max_bytes: '64MB' })
const queue = createNatsQueue(config, {
  pipeline: 'p',
  source: 's',
  stream: 't',
  jobId: jobId!,
  logger: quietLogger,
  signal: new AbortController().signal,
})
await queue.connect()
for (let i = 0; i < Number(count); i++) await queue.put(page(i, 10))
await queue.put({ type: 'end', iteration: Number(count), outcome: 'success' })
await queue.close() // returns once every message is stored
process.exit(0)

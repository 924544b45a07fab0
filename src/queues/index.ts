/** Built-in queues. Each loads its implementation lazily. */
import { memoryQueue } from './memory/index.ts'
import { nats } from './nats/index.ts'
import type { QueueDeclaration } from './types.ts'

export const queues: QueueDeclaration[] = [memoryQueue, nats]

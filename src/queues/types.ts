/** The queue contract: producer pages in, consumer pages out, acks after the cursor is committed. */
import type { DestinationRecord, Logger, Pagination, SourceRecord } from '../plugin/types.ts'

/** One source page (iteration) crossing from producer to consumer. */
export interface PageMessage {
  type: 'page'
  iteration: number
  records: SourceRecord[]
  extractedAt: Date
  /** The pagination returned with this page (what the next iteration uses); null when exhausted. */
  pagination: Pagination | null
  /** Incremental state returned with this page (decision 17). */
  state?: unknown
  /** The transforms were applied already (the process runner runs them beside the source). */
  transformed?: boolean
  /**
   * The records already converted for the destination (process runner with an in-process queue:
   * only strings cross between threads). `records` is then empty. Never sent over the network.
   */
  prepared?: { records: DestinationRecord[]; bytes: number }
}

export type ProducerOutcome =
  | 'success'
  | 'source_error'
  | 'queue_error'
  | 'backend_error'
  | 'killed_by_runner'
  /** Transforms run beside the source (process runner) and one failed. */
  | 'transform_error'

/** The end of the stream; carries the producer's outcome (decision 2). */
export interface EndMessage {
  type: 'end'
  /** Number of iterations produced. */
  iteration: number
  outcome: ProducerOutcome
  /** Why the producer failed, when it did. */
  error?: string
}

export type QueueMessage = PageMessage | EndMessage

export interface QueueContext {
  pipeline: string
  source: string
  stream: string
  jobId: string
  logger: Logger
  signal: AbortSignal
}

export interface Queue {
  connect(): Promise<void>
  /** Blocks while the queue is full (back-pressure). */
  put(message: QueueMessage): Promise<void>
  /** Next message in iteration order; blocks until one is there. Rejects when `signal` aborts. */
  get(signal?: AbortSignal): Promise<QueueMessage>
  /**
   * Everything up to and including `iteration` is durable at the destination (its cursor is
   * committed): the queue may forget it. The end message is acked with its own iteration.
   */
  ack(iteration: number): Promise<void>
  /** Messages waiting (for progress and metrics); null when unknown. */
  size(): number | null
  /**
   * Messages outlive the process (nats). A failed producer then publishes no end message: its
   * pages wait in the queue for the next producer run, which continues the job and ends it.
   */
  readonly durable?: boolean
  close(): Promise<void>
}

export interface QueueDeclaration<C = any> {
  kind: 'queue'
  name: string
  aliases?: string[]
  summary: string
  config?: import('../plugin/types.ts').ObjectSchema
  create(config: C, ctx: QueueContext): Queue | Promise<Queue>
}

/** Messages between the process runner and its producer worker. */
import type { SourceCursorInput } from '../../backends/types.ts'
import type { PipelineConfig } from '../../config/types.ts'
import type { JobPlan } from '../../engine/job.ts'
import type { SharedWatch } from '../../engine/watchdog.ts'
import type { QueueMessage } from '../../queues/types.ts'
import type { PackedBatch } from './packed.ts'

export interface WorkerInit {
  config: PipelineConfig
  baseDir: string
  /** Absolute path of a custom source file, else the built-in named `config.source.name`. */
  customSource?: string
  plan: Pick<JobPlan, 'job' | 'start' | 'incremental'>
  syncCursorEvery: number
  secrets: string[]
  logLevel: string
  watch?: SharedWatch
  /** Convert pages to destination records in the worker (the queue is in-process). */
  prepare: boolean
}

export type ToWorker = { type: 'start'; init: WorkerInit } | { type: 'credit' } | { type: 'stop' }

export type FromWorker =
  /** `packed`: the page's records converted in the worker (`prepare`); the message then has none. */
  | { type: 'message'; message: QueueMessage; packed?: PackedBatch }
  | { type: 'cursor'; cursor: SourceCursorInput }
  | { type: 'pageRead'; iteration: number; records: number; ms: number }
  | { type: 'failed'; error: string }

/** Pages in flight between the worker and the queue: enough to overlap, bounded for memory. */
export const WINDOW = 4

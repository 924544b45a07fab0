/** What every stage of one run shares. */
import type { Backend, SyncKey } from '../backends/types.ts'
import type { PipelineConfig } from '../config/types.ts'
import type { RunObserver } from '../observe/types.ts'
import type { Destination, Logger, Source } from '../plugin/types.ts'
import type { JobPlan } from './job.ts'
import type { CompiledTransform } from './transforms.ts'
import type { Watchdog } from './watchdog.ts'

export interface RunContext {
  key: SyncKey
  config: PipelineConfig
  backend: Backend
  plan: JobPlan
  logger: Logger
  observer: RunObserver
  /** Aborted on SIGINT/SIGTERM or when the other side failed. */
  signal: AbortSignal
  destinationName: string
  /** Default target of the destination (`destination_id` or `<source>_<stream>`). */
  destinationId: string
  source: Source
  destination: Destination
  transforms: CompiledTransform[]
  /** Ends the process when one batch spends too long in the transforms. */
  watchdog?: Watchdog
  /** Write a source cursor row every N iterations. */
  syncCursorEvery: number
}

/** Outcome words of the reference (§3.1). */
export type StageStatus =
  | 'success'
  | 'source_error'
  | 'queue_error'
  | 'backend_error'
  | 'destination_error'
  | 'transform_error'
  | 'killed_by_runner'
  | 'stream_error'

export interface StageResult {
  status: StageStatus
  error?: unknown
}

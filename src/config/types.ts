/** The validated pipeline config and what loading it yields. */
import type { BackendDeclaration } from '../backends/types.ts'
import type { DestinationCommonConfig, SourceCommonConfig } from '../plugin/define.ts'
import type { DestinationDeclaration, SourceDeclaration, SyncMode } from '../plugin/types.ts'
import type { QueueDeclaration } from '../queues/types.ts'

export type LogLevel = 'TRACE' | 'DEBUG' | 'INFO' | 'WARNING' | 'ERROR' | 'CRITICAL'
export type RunnerType = 'thread' | 'process' | 'stream'

export interface PipelineConfig {
  name: string
  source: SourceCommonConfig & { sync_mode: SyncMode; force_ignore_checkpoint: boolean; reset: boolean }
  destination: { name: string; alias: string; config: DestinationCommonConfig }
  transforms: { label: string; js: string }[]
  engine: {
    backend: { type: string; config: Record<string, unknown> & { syncCursorInDBEvery?: number } }
    queue: { type: string; config: Record<string, unknown> }
    runner: {
      type: RunnerType
      config: { transform_timeout: number; commit_after_write: boolean; [key: string]: unknown }
      log_level: LogLevel
    }
  }
  secrets?: unknown
  monitoring?: {
    type: 'datadog'
    config?: {
      datadog_agent_host?: string
      datadog_host_env_var?: string
      datadog_agent_port: number
      tags: Record<string, string | number | boolean>
    }
  }
  alerting?: { type: 'slack'; log_levels: string[]; config: { webhook_url: string } }
  streams?: {
    name: string
    source: Record<string, unknown>
    destination: { table_id: string; [k: string]: unknown }
  }[]
}

export interface LoadedPipeline {
  file: string
  /** Folder of the pipeline file: relative paths resolve from here. */
  baseDir: string
  config: PipelineConfig
  /** The config as written, references unresolved and literal secrets masked: safe to show. */
  redacted: unknown
  /** Resolved secret values, to scrub from any output. */
  secrets: string[]
  source: SourceDeclaration
  destination: DestinationDeclaration
  queue: QueueDeclaration
  backend: BackendDeclaration
}

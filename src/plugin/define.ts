/** `defineSource` / `defineDestination`: typed identity functions that tag a declaration. */
import type * as v from 'valibot'
import type {
  Destination,
  DestinationCapabilities,
  DestinationContext,
  DestinationDeclaration,
  ObjectSchema,
  Source,
  SourceContext,
  SourceDeclaration,
  StreamInfo,
} from './types.ts'

/** The config a connector receives: its own keys (inferred from its schema) plus the common ones. */
type ConfigOf<S> = S extends ObjectSchema ? v.InferOutput<S> : Record<string, never>

export interface SourceCommonConfig {
  name: string
  stream: string
  sync_mode: 'full_refresh' | 'incremental' | 'stream'
  cursor_field?: string
  max_iterations?: number
  authentication?: Record<string, unknown>
  [key: string]: unknown
}

export interface DestinationCommonConfig {
  buffer_size: number
  buffer_flush_timeout: number
  destination_id?: string
  unnest: boolean
  record_schemas?: { destination_id: string; record_schema: { name: string; type: string }[] }[]
  [key: string]: unknown
}

export function defineSource<S extends ObjectSchema | undefined = undefined>(spec: {
  name: string
  summary: string
  streams: Record<string, StreamInfo>
  config?: S
  docs?: string
  create(config: ConfigOf<S> & SourceCommonConfig, ctx: SourceContext): Source | Promise<Source>
}): SourceDeclaration<ConfigOf<S> & SourceCommonConfig> {
  return { kind: 'source', ...spec }
}

export function defineDestination<S extends ObjectSchema | undefined = undefined>(spec: {
  name: string
  summary: string
  config?: S
  capabilities?: DestinationCapabilities
  docs?: string
  create(
    config: ConfigOf<S> & DestinationCommonConfig,
    ctx: DestinationContext,
  ): Destination | Promise<Destination>
}): DestinationDeclaration<ConfigOf<S> & DestinationCommonConfig> {
  return { kind: 'destination', ...spec }
}

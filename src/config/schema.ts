/** The pipeline config schemas (reference §2), composed with each plugin's own keys. */
import * as v from 'valibot'
import type { ObjectSchema } from '../plugin/types.ts'

const d = v.description
const int = (min = 0) => v.pipe(v.number(), v.integer(), v.minValue(min))

export const SyncModeSchema = v.picklist(['full_refresh', 'incremental', 'stream'])

export const AuthenticationSchema = v.object({
  type: v.pipe(v.picklist(['oauth', 'api_key', 'bearer', 'basic', 'cookies']), d('How to authenticate.')),
  params: v.pipe(v.record(v.string(), v.unknown()), d('Parameters of the authentication type.')),
})

/** Keys every source accepts, beside the connector's own. */
export const sourceCommonEntries = {
  name: v.pipe(v.string(), d('Connector name (`bizon source list`); any value with a custom source file.')),
  stream: v.pipe(v.string(), d('Stream to sync (`bizon stream list SOURCE`).')),
  source_file_path: v.optional(
    v.pipe(v.string(), d('Path of a custom source .ts file (same as --custom-source).')),
  ),
  sync_mode: v.optional(
    v.pipe(SyncModeSchema, d('full_refresh (default), incremental or stream.')),
    'full_refresh',
  ),
  cursor_field: v.optional(v.pipe(v.string(), d('Field handed to the source for incremental reads.'))),
  force_ignore_checkpoint: v.optional(
    v.pipe(v.boolean(), d('Cancel a running job of this sync and start again at iteration 0.')),
    false,
  ),
  reset: v.optional(
    v.pipe(v.boolean(), d('Reset an incremental stream: refetch everything and replace.')),
    false,
  ),
  authentication: v.optional(v.pipe(AuthenticationSchema, d('Authentication `{type, params}`.'))),
  max_iterations: v.optional(v.pipe(int(), d('Fetch at most this many pages per run; 0 = unlimited.'))),
  api_config: v.optional(
    v.pipe(v.object({ retry_limit: v.optional(v.number()) }), d('Accepted for compatibility; unused.')),
  ),
  init_pipeline: v.optional(v.pipe(v.boolean(), d('Test hook kept for compatibility.')), true),
}

const ColumnSchema = v.looseObject({
  name: v.pipe(v.string(), d('Column name.')),
  type: v.pipe(v.string(), d('Column type (string, integer, float, boolean, timestamp, json...).')),
  description: v.optional(v.string()),
})

export const RecordSchemasSchema = v.array(
  v.strictObject({
    destination_id: v.pipe(v.string(), d('The destination id these columns apply to.')),
    record_schema: v.pipe(v.array(ColumnSchema), d('Columns, in order.')),
  }),
)

/** Keys of `destination.config` every destination accepts. */
export const destinationCommonEntries = {
  buffer_size: v.optional(
    v.pipe(v.number(), v.minValue(0), d('Buffer size in MB; 0 writes every page at once.')),
    50,
  ),
  buffer_flush_timeout: v.optional(
    v.pipe(v.number(), v.minValue(0), d('Flush a buffer older than this many seconds; 0 disables.')),
    600,
  ),
  max_concurrent_threads: v.optional(v.pipe(int(1), d('Accepted for compatibility.')), 10),
  record_schemas: v.optional(v.pipe(RecordSchemasSchema, d('Columns per destination id (for unnest).'))),
  unnest: v.optional(
    v.pipe(v.boolean(), d("Write the record's fields as columns instead of the envelope.")),
    false,
  ),
  authentication: v.optional(v.pipe(v.record(v.string(), v.unknown()), d('Destination authentication.'))),
  destination_id: v.optional(
    v.pipe(v.string(), d('Target name (file, table...); default <source>_<stream>.')),
  ),
}

export const LogLevelSchema = v.picklist(['TRACE', 'DEBUG', 'INFO', 'WARNING', 'ERROR', 'CRITICAL'])

export const RunnerSchema = v.strictObject({
  type: v.optional(
    v.pipe(v.picklist(['thread', 'process', 'stream']), d('thread (default), process or stream.')),
    'thread',
  ),
  config: v.optional(
    v.strictObject({
      max_workers: v.optional(v.pipe(int(1), d('Accepted for compatibility.')), 2),
      consumer_start_delay: v.optional(v.pipe(v.number(), d('Accepted for compatibility; unused.')), 0),
      is_alive_check_interval: v.optional(v.pipe(v.number(), d('Accepted for compatibility; unused.')), 2),
      transform_timeout: v.optional(
        v.pipe(
          v.number(),
          v.minValue(0.001),
          d('Seconds one batch may spend in transforms before the run stops.'),
        ),
        30,
      ),
      commit_after_write: v.optional(
        v.pipe(v.boolean(), d('Stream runner: call source.commit() after each written batch.')),
        true,
      ),
    }),
    {},
  ),
  log_level: v.optional(v.pipe(LogLevelSchema, d('Log level.')), 'INFO'),
})

export const TransformSchema = v.strictObject({
  label: v.pipe(v.string(), d('Name of the transform, used in errors.')),
  js: v.optional(v.pipe(v.string(), d('JavaScript function body with `data` in scope.'))),
  python: v.optional(v.string()),
})

export const SecretsSchema = v.strictObject({
  gsm: v.optional(v.strictObject({ project_id: v.optional(v.string()) })),
})

export const MonitoringSchema = v.strictObject({
  type: v.pipe(v.literal('datadog'), d('Only datadog.')),
  enable_tracing: v.optional(v.boolean(), false),
  config: v.optional(
    v.strictObject({
      enable_tracing: v.optional(v.boolean(), false),
      datadog_agent_host: v.optional(v.pipe(v.string(), d('DogStatsD host.'))),
      datadog_host_env_var: v.optional(v.pipe(v.string(), d('Environment variable holding the host.'))),
      datadog_agent_port: v.optional(v.pipe(int(1), d('DogStatsD UDP port.')), 8125),
      tags: v.optional(v.record(v.string(), v.union([v.string(), v.number(), v.boolean()])), {}),
    }),
  ),
})

export const AlertingSchema = v.strictObject({
  type: v.pipe(v.literal('slack'), d('Only slack.')),
  log_levels: v.optional(v.array(v.picklist(['DEBUG', 'INFO', 'WARNING', 'ERROR', 'CRITICAL'])), ['ERROR']),
  config: v.strictObject({ webhook_url: v.pipe(v.string(), d('Slack incoming webhook URL.')) }),
})

export const StreamRouteSchema = v.strictObject({
  name: v.pipe(v.string(), d('Stream name.')),
  source: v.optional(v.record(v.string(), v.unknown()), {}),
  destination: v.looseObject({
    table_id: v.pipe(v.string(), d('Destination id records of this stream are written to.')),
    record_schema: v.optional(v.array(ColumnSchema)),
  }),
})

/** Top level: plugin blocks are checked separately (see validate.ts), so they are `unknown` here. */
export const TopLevelSchema = v.strictObject({
  name: v.pipe(v.string(), v.minLength(1), d('Pipeline name: first part of the sync key.')),
  source: v.record(v.string(), v.unknown()),
  destination: v.record(v.string(), v.unknown()),
  transforms: v.optional(v.nullable(v.array(v.unknown())), []),
  engine: v.optional(v.record(v.string(), v.unknown()), {}),
  secrets: v.optional(v.unknown()),
  monitoring: v.optional(v.unknown()),
  alerting: v.optional(v.unknown()),
  streams: v.optional(v.nullable(v.array(v.unknown()))),
})

/** `{type, config}` of a queue or backend block. */
export function pluginBlock(types: string[], config: ObjectSchema | undefined) {
  return v.strictObject({
    type: v.picklist(types as [string, ...string[]]),
    config: v.optional(config ? v.strictObject(config.entries) : v.strictObject({}), {}),
  })
}

export function mergedObject(common: v.ObjectEntries, own: ObjectSchema | undefined) {
  return v.strictObject({ ...common, ...(own?.entries ?? {}) })
}

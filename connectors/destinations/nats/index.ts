/** `nats`: publishes each record to a JetStream subject, acknowledged and de-duplicated by bizon_id. */
import { defineDestination, v } from '../../../src/index.ts'
import { NatsConnectionKeys } from '../../shared/nats/connection.ts'

export const NatsDestinationConfig = v.object({
  ...NatsConnectionKeys,
  subject: v.pipe(
    v.string(),
    v.minLength(1),
    v.description(
      'Subject template: {destination_id}, {source_record_id}, {pipeline}, {source}, {stream} (e.g. out.{destination_id}).',
    ),
  ),
  payload: v.pipe(
    v.optional(v.picklist(['envelope', 'data']), 'envelope'),
    v.description(
      'envelope: the JSON record with bizon_* fields; data: the record payload (source_data) only.',
    ),
  ),
  create_stream: v.pipe(
    v.optional(v.string()),
    v.description('Create this JetStream stream (file storage) for the subject when no stream takes it.'),
  ),
  max_in_flight: v.pipe(
    v.optional(v.pipe(v.number(), v.integer(), v.minValue(1)), 512),
    v.description('Most publishes awaiting their JetStream acknowledgement.'),
  ),
  publish_timeout: v.pipe(
    v.optional(v.pipe(v.number(), v.minValue(0.1)), 10),
    v.description('Seconds to wait for an acknowledgement before publishing again (same Nats-Msg-Id).'),
  ),
})
export type NatsDestinationConfig = v.InferOutput<typeof NatsDestinationConfig>

export default defineDestination({
  name: 'nats',
  summary: 'Publishes each record to a NATS JetStream subject (acknowledged, de-duplicated).',
  config: NatsDestinationConfig,
  docs: [
    'One message per record on the rendered `subject` (placeholder values have `.`, `*`, `>` and',
    'spaces replaced by `_`). `payload: envelope` sends `{bizon_id, bizon_extracted_at,',
    'bizon_loaded_at, source_record_id, source_timestamp, source_data}` (timestamps ISO-8601,',
    '`source_data` JSON text); `payload: data` sends `source_data` itself. Every message carries',
    '`Nats-Msg-Id: <bizon_id>`, so a batch published again within the stream duplicate window is',
    'stored once. A write returns after JetStream acknowledged every message of the batch.',
  ].join('\n'),
  async create(config, ctx) {
    const { createNatsDestination } = await import('./destination.ts')
    return createNatsDestination(config, ctx)
  },
})

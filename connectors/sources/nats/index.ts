/** `nats`: messages of a JetStream stream through a durable consumer; commit acks what was written. */
import { defineSource, v } from '../../../src/index.ts'
import { NatsConnectionKeys } from '../../shared/nats/connection.ts'

export const NatsSourceConfig = v.object({
  ...NatsConnectionKeys,
  nats_stream: v.pipe(v.string(), v.description('Name of the JetStream stream to read.')),
  subjects: v.pipe(
    v.optional(v.array(v.string())),
    v.description('Subjects to read (wildcards allowed); default every subject of the stream.'),
  ),
  consumer: v.pipe(
    v.optional(v.string()),
    v.description('Durable consumer name (created if missing); default bizon_<nats_stream>.'),
  ),
  routes: v.pipe(
    v.optional(v.record(v.string(), v.string())),
    v.description('Subject pattern → destination id; the first matching pattern routes the record.'),
  ),
  id_field: v.pipe(
    v.optional(v.string()),
    v.description('Payload field (dotted path) used as record id; default the stream sequence.'),
  ),
  batch_size: v.pipe(
    v.optional(v.pipe(v.number(), v.integer(), v.minValue(1)), 1000),
    v.description('Most messages per page.'),
  ),
  max_wait: v.pipe(
    v.optional(v.pipe(v.number(), v.minValue(0)), 1),
    v.description('Seconds a read waits for messages before returning what it has.'),
  ),
  stop_when_drained: v.pipe(
    v.optional(v.boolean(), false),
    v.description('Bounded run: end the stream when no message is pending.'),
  ),
  deliver: v.pipe(
    v.optional(v.picklist(['all', 'new']), 'all'),
    v.description('Where a new consumer starts: every message kept in the stream, or new ones only.'),
  ),
  ack_wait: v.pipe(
    v.optional(v.pipe(v.number(), v.minValue(1)), 300),
    v.description('Seconds before an unacknowledged message is delivered again.'),
  ),
  skip_invalid_json: v.pipe(
    v.optional(v.boolean(), false),
    v.description('Skip (and ack) payloads that are not JSON instead of failing.'),
  ),
})
export type NatsSourceConfig = v.InferOutput<typeof NatsSourceConfig>

export default defineSource({
  name: 'nats',
  summary: 'Reads JSON messages from a NATS JetStream stream with a durable consumer.',
  streams: {
    messages: { stream: true, description: 'Messages of `nats_stream`, one record per message.' },
  },
  config: NatsSourceConfig,
  docs: [
    'Each message is a record: `data` is the JSON payload (a non-object payload becomes',
    '`{value: ...}`), `id` the `id_field` of the payload or the stream sequence, `timestamp` the time',
    'the message was stored. `routes` maps subject patterns (`*` one token, `>` the rest) to',
    'destination ids. With `sync_mode: stream`, `commit()` (after the batch is written) acks every',
    'message returned so far; unacked messages come back after `ack_wait`. In other sync modes a',
    "page's messages are acked when the next page is requested. `stop_when_drained: true` ends the",
    'run when nothing is pending. nats-server 2.9 allows one subject filter per consumer, so several',
    '`subjects` use one durable consumer each (`<consumer>_<subject>`).',
  ].join('\n'),
  async create(config, ctx) {
    const { createNatsSource } = await import('./source.ts')
    return createNatsSource(config, ctx)
  },
})

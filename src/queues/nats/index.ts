/** Declaration of the `nats` queue: JetStream between producer and consumer, possibly on different hosts. */
import * as v from 'valibot'
import type { QueueDeclaration } from '../types.ts'

const Size = v.union([
  v.pipe(v.number(), v.minValue(-1)),
  v.pipe(v.string(), v.regex(/^\s*\d+(\.\d+)?\s*[kmgt]?i?b?\s*$/i)),
])
const Duration = v.union([
  v.pipe(v.number(), v.minValue(0)),
  v.pipe(v.string(), v.regex(/^\s*\d+(\.\d+)?\s*(ms|s|m|h|d)?\s*$/)),
])

export const NatsQueueConfig = v.object({
  servers: v.optional(
    v.pipe(
      v.union([v.string(), v.array(v.string())]),
      v.description('NATS server URL or list of URLs, e.g. nats://127.0.0.1:4222.'),
    ),
    'nats://127.0.0.1:4222',
  ),
  user: v.optional(v.pipe(v.string(), v.description('User name (with `password`).'))),
  password: v.optional(v.pipe(v.string(), v.description('Password (use env:// or a secret reference).'))),
  token: v.optional(v.pipe(v.string(), v.description('Authentication token.'))),
  nkey: v.optional(v.pipe(v.string(), v.description('NKey seed (starts with SU) for nkey authentication.'))),
  creds_file: v.optional(v.pipe(v.string(), v.description('Path of a .creds file (JWT + NKey seed).'))),
  tls: v.optional(
    v.pipe(
      v.object({
        ca_file: v.optional(v.pipe(v.string(), v.description('CA certificate (PEM) to verify the server.'))),
        cert_file: v.optional(v.pipe(v.string(), v.description('Client certificate (PEM).'))),
        key_file: v.optional(v.pipe(v.string(), v.description('Client private key (PEM).'))),
      }),
      v.description('TLS options; set to use TLS (an empty map uses the system CAs).'),
    ),
  ),
  stream: v.optional(
    v.pipe(v.string(), v.description('JetStream stream name; default bizon_<pipeline>_<source>_<stream>.')),
  ),
  subject: v.optional(
    v.pipe(
      v.string(),
      v.description('Subject of the queue messages; default bizon.<pipeline>.<source>.<stream>.'),
    ),
  ),
  consumer: v.optional(
    v.pipe(v.string(), v.description('Durable consumer name; default the pipeline name.')),
  ),
  max_bytes: v.optional(
    v.pipe(
      Size,
      v.description('Most bytes the stream keeps (e.g. 1GB); when full, the producer waits. -1 = no limit.'),
    ),
    '1GB',
  ),
  max_messages: v.optional(
    v.pipe(
      v.number(),
      v.integer(),
      v.minValue(-1),
      v.description('Most messages (pages) the stream keeps; when full, the producer waits. -1 = no limit.'),
    ),
    -1,
  ),
  max_age: v.optional(
    v.pipe(
      Duration,
      v.description('Oldest message the stream keeps (e.g. 7d); 0 = forever. Seconds or 30s/10m/24h/7d.'),
    ),
    0,
  ),
  duplicate_window: v.optional(
    v.pipe(Duration, v.description('Window in which a re-published page (same Nats-Msg-Id) is dropped.')),
    '2m',
  ),
  max_in_flight_bytes: v.optional(
    v.pipe(
      Size,
      v.description(
        'Most bytes published but not yet acknowledged; the producer waits beyond it. More only helps ' +
          'over a high-latency link: each byte in flight costs several in memory.',
      ),
    ),
    '512KB',
  ),
  max_in_flight: v.optional(
    v.pipe(
      v.number(),
      v.integer(),
      v.minValue(1),
      v.description('Most messages published but not yet acknowledged by JetStream.'),
    ),
    256,
  ),
  max_nb_messages: v.optional(
    v.pipe(
      v.number(),
      v.integer(),
      v.description(
        'Accepted for compatibility with the memory queue; max_bytes/max_messages bound this queue.',
      ),
    ),
  ),
  ack_wait: v.optional(
    v.pipe(
      Duration,
      v.description('How long the server waits for an ack before redelivering (kept alive while held).'),
    ),
    '5m',
  ),
  publish_timeout: v.optional(
    v.pipe(Duration, v.description('Wait for a publish acknowledgement before retrying it.')),
    '10s',
  ),
  connect_timeout: v.optional(
    v.pipe(Duration, v.description('How long the first connection is retried before the run fails.')),
    '30s',
  ),
})
export type NatsQueueConfig = v.InferOutput<typeof NatsQueueConfig>

export const nats: QueueDeclaration<NatsQueueConfig> = {
  kind: 'queue',
  name: 'nats',
  summary: 'NATS JetStream: durable, producer and consumer may run on different hosts (--role).',
  config: NatsQueueConfig,
  async create(config, ctx) {
    const { createNatsQueue } = await import('./queue.ts')
    return createNatsQueue(config, ctx)
  },
}

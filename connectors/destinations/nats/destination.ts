/** The `nats` destination: pipelined JetStream publishes, retried on timeouts with the same Msg-Id. */
import type { JetStreamClient } from '@nats-io/jetstream'
import {
  BizonError,
  type Destination,
  type DestinationContext,
  type DestinationRecord,
} from '../../../src/index.ts'
import { openNats } from '../../shared/nats/connection.ts'
import type { NatsDestinationConfig } from './index.ts'

const WHAT = 'Destination "nats"'
const FATAL = /max_payload|maximum payload|permissions violation|connection closed|not a valid subject/i
const token = (text: string) => text.replace(/[.*>\s]/g, '_') || '_'

/** Renders the subject template; a placeholder becomes one subject token. */
export function renderSubject(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => (key in values ? token(values[key]!) : whole))
}

const iso = (d: Date) => `${d.toISOString().slice(0, 23)}000+00:00`

function envelope(r: DestinationRecord): string {
  return JSON.stringify({
    bizon_id: r.bizon_id,
    bizon_extracted_at: iso(r.bizon_extracted_at),
    bizon_loaded_at: iso(r.bizon_loaded_at),
    source_record_id: r.source_record_id,
    source_timestamp: iso(r.source_timestamp),
    source_data: r.source_data,
  })
}

export async function createNatsDestination(
  config: NatsDestinationConfig,
  ctx: DestinationContext,
): Promise<Destination> {
  const { jetstream, jetstreamManager, StorageType } = await import('@nats-io/jetstream')
  const nc = await openNats(config, WHAT, ctx)
  const js: JetStreamClient = jetstream(nc)
  const fixed = { pipeline: ctx.pipeline, source: ctx.source, stream: ctx.stream }

  if (config.create_stream) {
    const jsm = await jetstreamManager(nc)
    // every templated token may vary: the stream takes them all
    const pattern = config.subject
      .split('.')
      .map((t) => (/\{(destination_id|source_record_id)\}/.test(t) ? '*' : renderSubject(t, fixed)))
      .join('.')
    const exists = await jsm.streams.info(config.create_stream).catch(() => null)
    if (!exists) {
      await jsm.streams
        .add({ name: config.create_stream, subjects: [pattern], storage: StorageType.File })
        .catch((error) => {
          throw new BizonError(
            'destination',
            `${WHAT} could not create stream "${config.create_stream}": ${error.message}.`,
          )
        })
    }
  }

  async function publish(subject: string, payload: string, msgID: string): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await js.publish(subject, payload, { msgID, timeout: config.publish_timeout * 1000 })
        return
      } catch (error) {
        const cause = error instanceof Error ? error.message : String(error)
        const noStream = /no responders|not enabled/i.test(cause)
        if (FATAL.test(cause) || (noStream && attempt >= 5)) {
          const hint = noStream
            ? `No JetStream stream takes subject "${subject}": create one or set create_stream.`
            : 'Check the subject and the server limits.'
          throw new BizonError(
            'destination',
            `${WHAT} could not publish record ${msgID} to ${subject}: ${cause}. ${hint}`,
          )
        }
        if (attempt === 0) ctx.logger.warn(`${WHAT}: publish to ${subject} failed (${cause}); retrying`)
        await Bun.sleep(Math.min(5000, 100 * 2 ** Math.min(attempt, 6)))
      }
    }
  }

  return {
    async write(records, info) {
      const values = { ...fixed, destination_id: info.destinationId, source_record_id: '' }
      const inFlight = new Set<Promise<void>>()
      let failure: unknown
      for (const record of records) {
        if (failure) break
        while (inFlight.size >= config.max_in_flight) await Promise.race(inFlight)
        values.source_record_id = record.source_record_id
        const subject = renderSubject(config.subject, values)
        const payload = config.payload === 'data' ? record.source_data : envelope(record)
        const done: Promise<void> = publish(subject, payload, record.bizon_id)
          .catch((error) => {
            failure ??= error
          })
          .finally(() => inFlight.delete(done))
        inFlight.add(done)
      }
      await Promise.all(inFlight)
      if (failure) throw failure
    },
    async close() {
      if (!nc.isClosed()) {
        await nc.flush().catch(() => undefined)
        await nc.close()
      }
    },
  }
}

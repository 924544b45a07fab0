/**
 * Pipelined JetStream publishing: many acks in flight, bounded by bytes and messages; a publish that
 * times out or hits a restarting/full server is retried with the same Nats-Msg-Id (the server drops
 * the copy if the first attempt was stored after all), so a restart of nats-server loses nothing.
 */
import type { JetStreamClient } from '@nats-io/jetstream'
import type { MsgHdrs } from '@nats-io/transport-node'
import { BizonError, messageOf } from '../../errors.ts'
import type { Logger } from '../../plugin/types.ts'

export interface PublisherOptions {
  maxInFlight: number
  maxInFlightBytes: number
  publishTimeoutMs: number
  logger: Logger
  signal: AbortSignal
  /** Names the stream in errors. */
  where: string
  /** Resolves once the connection is up (retries wait here so a long outage buffers nothing more). */
  connected(): Promise<void>
}

/** Errors retrying cannot fix. */
const FATAL = /max_payload|maximum payload|permissions violation|connection closed|not a valid subject/i

export function createPublisher(js: JetStreamClient, options: PublisherOptions) {
  const inFlight = new Set<Promise<void>>()
  let bytes = 0
  let failure: Error | undefined

  async function publishWithRetry(
    subject: string,
    payload: Uint8Array,
    msgID: string,
    headers?: MsgHdrs,
  ): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await js.publish(subject, payload, { msgID, headers, timeout: options.publishTimeoutMs })
        if (attempt > 0) options.logger.info(`Queue "nats": message ${msgID} stored after ${attempt} retries`)
        return
      } catch (error) {
        const cause = messageOf(error)
        if (FATAL.test(cause) || options.signal.aborted) {
          const hint = /payload/i.test(cause)
            ? `The page is ${(payload.length / 1e6).toFixed(1)} MB: lower the source page size or raise max_payload in the nats-server config.`
            : 'Check engine.queue.config and the server logs.'
          throw new BizonError(
            'queue',
            `Queue "nats" could not publish ${msgID} to ${options.where}: ${cause}. ${hint}`,
            {
              cause: error,
            },
          )
        }
        // timeouts, no responders while the server restarts, a full stream (discard new): wait and retry
        if (attempt === 0 || attempt % 10 === 0) {
          options.logger.warn(`Queue "nats": publish of ${msgID} failed (${cause}); retrying`)
        }
        await Bun.sleep(Math.min(5000, 100 * 2 ** Math.min(attempt, 6)))
        await new Promise<void>((resolve) => {
          if (options.signal.aborted) return resolve()
          options.signal.addEventListener('abort', () => resolve(), { once: true })
          options.connected().then(resolve)
        })
      }
    }
  }

  return {
    /** Starts publishing; waits only while the in-flight bound is reached. */
    async publish(subject: string, payload: Uint8Array, msgID: string, headers?: MsgHdrs): Promise<void> {
      if (failure) throw failure
      while (
        inFlight.size > 0 &&
        (inFlight.size >= options.maxInFlight || bytes + payload.length > options.maxInFlightBytes)
      ) {
        await Promise.race(inFlight)
        if (failure) throw failure
      }
      bytes += payload.length
      const done: Promise<void> = publishWithRetry(subject, payload, msgID, headers)
        .catch((error) => {
          failure ??= error
        })
        .finally(() => {
          bytes -= payload.length
          inFlight.delete(done)
        })
      inFlight.add(done)
    },
    /** Resolves when every message published so far is stored; throws the first failure. */
    async flush(): Promise<void> {
      while (inFlight.size > 0) await Promise.all(inFlight)
      if (failure) throw failure
    },
    get inFlight() {
      return inFlight.size
    },
  }
}

export type Publisher = ReturnType<typeof createPublisher>

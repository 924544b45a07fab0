/**
 * How a page travels: one message with headers naming its job and iteration (HEADER). Pages bigger
 * than the server's max_payload (1 MB by default) travel as several messages: the records are split
 * in order into `parts` messages with ids `<job>:<iteration>:<part>`, and the reader hands the page
 * out only once every part has arrived.
 */
import type { JsMsg } from '@nats-io/jetstream'
import type { SourceRecord } from '../../plugin/types.ts'
import { encodeMessage } from '../codec.ts'
import type { PageMessage, QueueMessage } from '../types.ts'

export interface Encoded {
  payload: Uint8Array
  msgID: string
  /** Sent as headers (see HEADER) so the reader can file a message without decoding its payload. */
  iteration: number
  /** Set when the page travels in several messages. */
  parts?: number
}

/**
 * Headers beside the JSON payload: the reader orders, de-duplicates and checks jobs from these and
 * decodes a page only when it hands it out, so the pages it holds ahead wait as bytes, not as
 * records (several times bigger). Messages without them (older bizon) are decoded on arrival.
 */
export const HEADER = { job: 'Bizon-Job', iteration: 'Bizon-Iteration', parts: 'Bizon-Parts' } as const

/** Job and iteration from the headers of a whole-page message; undefined: decode it to know. */
export function headOf(msg: JsMsg): { jobId: string; iteration: number } | undefined {
  const headers = msg.headers
  if (!headers || headers.has(HEADER.parts)) return undefined
  const jobId = headers.get(HEADER.job)
  const iteration = Number.parseInt(headers.get(HEADER.iteration), 10)
  return jobId && Number.isSafeInteger(iteration) ? { jobId, iteration } : undefined
}

/** One payload per message; a single payload when the page fits in `limit` bytes. */
export function encodeForStream(message: QueueMessage, jobId: string, limit: number): Encoded[] {
  const whole = encodeMessage(message, jobId)
  const base = message.type === 'end' ? `${jobId}:end` : `${jobId}:${message.iteration}`
  if (whole.length <= limit || message.type !== 'page' || message.records.length < 2) {
    return [{ payload: whole, msgID: base, iteration: message.iteration }]
  }
  for (let parts = Math.ceil(whole.length / (limit * 0.9)); parts <= message.records.length; parts++) {
    const size = Math.ceil(message.records.length / parts)
    const count = Math.ceil(message.records.length / size)
    const encoded: Encoded[] = []
    for (let part = 0; part < count; part++) {
      const slice = { ...message, records: message.records.slice(part * size, (part + 1) * size) }
      const payload = encodeMessage(slice, jobId, { part, parts: count })
      if (payload.length > limit) break
      encoded.push({ payload, msgID: `${base}:${part}`, iteration: message.iteration, parts: count })
    }
    if (encoded.length === count) return encoded
  }
  // one record alone is too big: send it whole and let the server's error explain
  return [{ payload: whole, msgID: base, iteration: message.iteration }]
}

interface Partial {
  message: PageMessage
  slices: (SourceRecord[] | undefined)[]
  have: number
  replies: string[]
  bytes: number
}

/** Collects the parts of split pages; returns the whole page (and every part's ack subject) when complete. */
export function createAssembler() {
  const partial = new Map<number, Partial>()
  return {
    add(
      message: PageMessage,
      part: number,
      parts: number,
      reply: string,
      /** Payload bytes of this part. */
      bytes: number,
    ): { message: PageMessage; replies: string[]; bytes: number } | undefined {
      let entry = partial.get(message.iteration)
      if (!entry) {
        entry = { message, slices: new Array(parts), have: 0, replies: [], bytes: 0 }
        partial.set(message.iteration, entry)
      }
      entry.replies.push(reply)
      entry.bytes += bytes
      if (entry.slices[part] === undefined) {
        entry.slices[part] = message.records
        entry.have++
      }
      if (entry.have < parts) return undefined
      partial.delete(message.iteration)
      return {
        message: { ...entry.message, records: entry.slices.flatMap((s) => s!) },
        replies: entry.replies,
        bytes: entry.bytes,
      }
    },
    /** Ack subjects of parts waiting for their siblings (kept alive like the rest). */
    replies(): string[] {
      return [...partial.values()].flatMap((p) => p.replies)
    },
  }
}

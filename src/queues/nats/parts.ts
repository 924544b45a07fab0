/**
 * Pages bigger than the server's max_payload (1 MB by default) travel as several messages: the
 * records are split in order into `parts` messages with ids `<job>:<iteration>:<part>`, and the
 * reader hands the page out only once every part has arrived.
 */
import type { SourceRecord } from '../../plugin/types.ts'
import { encodeMessage } from '../codec.ts'
import type { PageMessage, QueueMessage } from '../types.ts'

export interface Encoded {
  payload: Uint8Array
  msgID: string
}

/** One payload per message; a single payload when the page fits in `limit` bytes. */
export function encodeForStream(message: QueueMessage, jobId: string, limit: number): Encoded[] {
  const whole = encodeMessage(message, jobId)
  const base = message.type === 'end' ? `${jobId}:end` : `${jobId}:${message.iteration}`
  if (whole.length <= limit || message.type !== 'page' || message.records.length < 2) {
    return [{ payload: whole, msgID: base }]
  }
  for (let parts = Math.ceil(whole.length / (limit * 0.9)); parts <= message.records.length; parts++) {
    const size = Math.ceil(message.records.length / parts)
    const count = Math.ceil(message.records.length / size)
    const encoded: Encoded[] = []
    for (let part = 0; part < count; part++) {
      const slice = { ...message, records: message.records.slice(part * size, (part + 1) * size) }
      const payload = encodeMessage(slice, jobId, { part, parts: count })
      if (payload.length > limit) break
      encoded.push({ payload, msgID: `${base}:${part}` })
    }
    if (encoded.length === count) return encoded
  }
  // one record alone is too big: send it whole and let the server's error explain
  return [{ payload: whole, msgID: base }]
}

interface Partial {
  message: PageMessage
  slices: (SourceRecord[] | undefined)[]
  have: number
  replies: string[]
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
    ): { message: PageMessage; replies: string[] } | undefined {
      let entry = partial.get(message.iteration)
      if (!entry) {
        entry = { message, slices: new Array(parts), have: 0, replies: [] }
        partial.set(message.iteration, entry)
      }
      entry.replies.push(reply)
      if (entry.slices[part] === undefined) {
        entry.slices[part] = message.records
        entry.have++
      }
      if (entry.have < parts) return undefined
      partial.delete(message.iteration)
      return {
        message: { ...entry.message, records: entry.slices.flatMap((s) => s!) },
        replies: entry.replies,
      }
    },
    /** Ack subjects of parts waiting for their siblings (kept alive like the rest). */
    replies(): string[] {
      return [...partial.values()].flatMap((p) => p.replies)
    },
  }
}

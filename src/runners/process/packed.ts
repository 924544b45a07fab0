/**
 * Destination records as they cross from the producer worker to the consumer's thread: a few flat
 * arrays per page instead of one object per record. Structured cloning 1000 objects with their Date
 * fields costs ~1 µs a record (more than converting them); arrays of strings and numbers cross at a
 * tenth of that, and the consumer's thread rebuilds the objects for less than it saved.
 */
import type { ConvertedBatch } from '../../engine/records.ts'

export interface PackedBatch {
  /** The `bizon_id`s (32 hex characters each) made in the worker, one after the other. */
  bizonIds: string
  /** `source_record_id` of each record. */
  recordIds: string[]
  /** `source_data` (JSON text) of each record. */
  data: string[]
  /** `source_timestamp` in epoch ms. */
  timestamps: Float64Array
  /** `destination_id` of each record; absent when no record is routed. */
  destinationIds?: (string | undefined)[]
  extractedAt: number
  loadedAt: number
  bytes: number
}

export function pack({ records, bytes }: ConvertedBatch): PackedBatch {
  const n = records.length
  const bizonIds = new Array<string>(n)
  const recordIds = new Array<string>(n)
  const data = new Array<string>(n)
  const timestamps = new Float64Array(n)
  let destinationIds: (string | undefined)[] | undefined
  for (let i = 0; i < n; i++) {
    const r = records[i]!
    bizonIds[i] = r.bizon_id
    recordIds[i] = r.source_record_id
    data[i] = r.source_data
    timestamps[i] = r.source_timestamp.getTime()
    if (r.destination_id !== undefined) {
      destinationIds ??= new Array(n)
      destinationIds[i] = r.destination_id
    }
  }
  const first = records[0]
  return {
    bizonIds: bizonIds.join(''),
    recordIds,
    data,
    timestamps,
    destinationIds,
    extractedAt: first ? first.bizon_extracted_at.getTime() : 0,
    loadedAt: first ? first.bizon_loaded_at.getTime() : 0,
    bytes,
  }
}

export function unpack(packed: PackedBatch): ConvertedBatch {
  const { bizonIds, recordIds, data, timestamps, destinationIds } = packed
  const n = recordIds.length
  const extractedAt = new Date(packed.extractedAt)
  const loadedAt = new Date(packed.loadedAt)
  const records = new Array(n)
  let timestamp = new Date(Number.NaN)
  for (let i = 0; i < n; i++) {
    // Consecutive records mostly share their timestamp (a page read at once): one Date for them.
    const ms = timestamps[i]!
    if (ms !== timestamp.getTime()) timestamp = new Date(ms)
    records[i] = {
      bizon_id: bizonIds.slice(32 * i, 32 * i + 32),
      bizon_extracted_at: extractedAt,
      bizon_loaded_at: loadedAt,
      source_record_id: recordIds[i]!,
      source_timestamp: timestamp,
      source_data: data[i]!,
      destination_id: destinationIds?.[i],
    }
  }
  return { records, bytes: packed.bytes }
}

/** Source page → destination records (reference §8.1), transforms applied on the way. */
import type { DestinationRecord, SourceRecord } from '../plugin/types.ts'
import { newIds } from './ids.ts'
import { applyTransforms, type CompiledTransform } from './transforms.ts'
import type { Watchdog } from './watchdog.ts'

export interface ConvertedBatch {
  records: DestinationRecord[]
  /** Approximate size in bytes (UTF-16 length of the JSON text plus the envelope). */
  bytes: number
}

const ENVELOPE_BYTES = 160

export function toDestinationRecords(
  records: SourceRecord[],
  extractedAt: Date,
  transforms: CompiledTransform[],
  watchdog?: Watchdog,
): ConvertedBatch {
  const loadedAt = new Date()
  const out: DestinationRecord[] = new Array(records.length)
  const ids = newIds(records.length)
  let count = 0
  let bytes = 0
  watchdog?.enter()
  try {
    for (const record of records) {
      const id = typeof record.id === 'string' ? record.id : String(record.id)
      const data = transforms.length ? applyTransforms(transforms, record.data, id, watchdog) : record.data
      if (data === null) continue
      const text = JSON.stringify(data)
      bytes += text.length + id.length + ENVELOPE_BYTES
      // `count` moves on only after: `out[count++] = { bizon_id: ids[count] }` took the next id
      // (undefined for a page's last record).
      out[count] = {
        bizon_id: ids[count]!,
        bizon_extracted_at: extractedAt,
        bizon_loaded_at: loadedAt,
        source_record_id: id,
        source_timestamp: record.timestamp ?? extractedAt,
        source_data: text,
        destination_id: record.destinationId,
      }
      count++
    }
  } finally {
    watchdog?.leave()
  }
  out.length = count
  return { records: out, bytes }
}

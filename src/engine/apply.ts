/** Applies the transforms to a page's records in place of the consumer (process runner). */
import type { SourceRecord } from '../plugin/types.ts'
import { applyTransforms, type CompiledTransform } from './transforms.ts'
import type { Watchdog } from './watchdog.ts'

export function transformRecords(
  records: SourceRecord[],
  transforms: CompiledTransform[],
  watchdog?: Watchdog,
): SourceRecord[] {
  const out: SourceRecord[] = []
  watchdog?.enter()
  try {
    for (const record of records) {
      const id = typeof record.id === 'string' ? record.id : String(record.id)
      const data = applyTransforms(transforms, record.data, id, watchdog)
      if (data !== null) out.push(data === record.data ? record : { ...record, data })
    }
  } finally {
    watchdog?.leave()
  }
  return out
}

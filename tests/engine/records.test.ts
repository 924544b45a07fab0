/** Source page → destination records: every record gets its own bizon_id, dropped ones none. */
import { expect, test } from 'bun:test'
import { toDestinationRecords } from '../../src/engine/records.ts'
import { compileTransforms } from '../../src/engine/transforms.ts'

const extractedAt = new Date('2024-12-05T12:00:00.123Z')

test('each record of a page has its own 32-hex bizon_id, the last one too', () => {
  for (const n of [1, 3, 1000]) {
    const page = Array.from({ length: n }, (_, i) => ({ id: i, data: { i } }))
    const { records } = toDestinationRecords(page, extractedAt, [])
    expect(records).toHaveLength(n)
    for (const r of records) expect(r.bizon_id).toMatch(/^[0-9a-f]{32}$/)
    expect(new Set(records.map((r) => r.bizon_id)).size).toBe(n)
  }
})

test('records a transform drops leave no gap in the ids of the others', () => {
  const page = Array.from({ length: 10 }, (_, i) => ({ id: i, data: { i } }))
  const transforms = compileTransforms([{ label: 'odd', js: 'if (data.i % 2) return null' }])
  const { records } = toDestinationRecords(page, extractedAt, transforms)
  expect(records.map((r) => r.source_record_id)).toEqual(['0', '2', '4', '6', '8'])
  for (const r of records) expect(r.bizon_id).toMatch(/^[0-9a-f]{32}$/)
  expect(new Set(records.map((r) => r.bizon_id)).size).toBe(5)
})

/** Destination records packed into flat arrays to cross from the producer worker, and back. */
import { expect, test } from 'bun:test'
import { toDestinationRecords } from '../../src/engine/records.ts'
import { pack, unpack } from '../../src/runners/process/packed.ts'

const extractedAt = new Date('2024-12-05T12:00:00.123Z')

test('unpack(pack(x)) gives the same records, bizon ids included', () => {
  const converted = toDestinationRecords(
    [
      { id: 1, data: { a: 1, s: 'ü "quoted" \n' }, timestamp: new Date('2024-01-01T00:00:00.001Z') },
      { id: 'two', data: { b: [1, 2] }, timestamp: new Date('2024-01-01T00:00:00.001Z') },
      { id: 3, data: { c: null } },
    ],
    extractedAt,
    [],
  )
  // Through structuredClone, as postMessage does.
  const back = unpack(structuredClone(pack(converted)))
  expect(back.bytes).toBe(converted.bytes)
  expect(back.records).toEqual(converted.records)
  expect(back.records[2]!.source_timestamp.getTime()).toBe(extractedAt.getTime())
  expect(back.records.every((r) => r.destination_id === undefined)).toBe(true)
})

test('routed records keep their destination_id, unrouted ones stay without', () => {
  const converted = toDestinationRecords(
    [
      { id: 1, data: {}, destinationId: 'users' },
      { id: 2, data: {} },
      { id: 3, data: {}, destinationId: 'orders' },
    ],
    extractedAt,
    [],
  )
  const back = unpack(structuredClone(pack(converted)))
  expect(back.records.map((r) => r.destination_id)).toEqual(['users', undefined, 'orders'])
})

test('an empty page packs and unpacks to no records', () => {
  const back = unpack(structuredClone(pack({ records: [], bytes: 0 })))
  expect(back).toEqual({ records: [], bytes: 0 })
})

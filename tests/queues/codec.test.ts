/** The JSON wire format of queue messages. */
import { expect, test } from 'bun:test'
import { decodeMessage, decodeMessageText, encodeMessage, encodeMessageText } from '../../src/queues/codec.ts'
import type { PageMessage } from '../../src/queues/types.ts'

const message: PageMessage = {
  type: 'page',
  iteration: 7,
  extractedAt: new Date('2026-11-27T10:20:30.456Z'),
  pagination: { after: 'x', done: false, more: true, none: null },
  records: [
    { id: 1, data: { a: 'ü 🦬' }, timestamp: new Date('2026-01-01T00:00:00.001Z'), destinationId: 'd' },
    { id: 'b', data: {} },
  ],
}

test('a page is documented JSON with ISO dates and the job id', () => {
  expect(JSON.parse(encodeMessageText(message, 'job1'))).toEqual({
    type: 'page',
    job: 'job1',
    iteration: 7,
    extracted_at: '2026-11-27T10:20:30.456Z',
    pagination: { after: 'x', done: false, more: true, none: null },
    records: [
      { id: 1, data: { a: 'ü 🦬' }, timestamp: '2026-01-01T00:00:00.001Z', destination_id: 'd' },
      { id: 'b', data: {} },
    ],
  })
})

test('pages and end messages round-trip exactly', () => {
  const decoded = decodeMessage(encodeMessage(message, 'job1'))
  expect(decoded).toEqual({ message, jobId: 'job1' })
  expect(Object.keys((decoded.message as PageMessage).records[1]!)).toEqual(['id', 'data'])
  const end = { type: 'end' as const, iteration: 3, outcome: 'source_error' as const, error: 'boom' }
  expect(decodeMessage(encodeMessage(end))).toEqual({ message: end, jobId: undefined })
})

test('text that is not a queue message is rejected', () => {
  expect(() => decodeMessageText('{"hello":1}')).toThrow('not a bizon queue message')
  expect(() => decodeMessageText('nope')).toThrow()
})

test('dates before 1970, far in the future and of other shapes parse back exactly', () => {
  for (const iso of ['1969-12-31T23:59:59.999Z', '0001-01-01T00:00:00.000Z', '2999-12-31T23:59:59.001Z']) {
    const page: PageMessage = { ...message, records: [{ id: 1, data: {}, timestamp: new Date(iso) }] }
    const back = decodeMessage(encodeMessage(page)).message as PageMessage
    expect(back.records[0]!.timestamp!.toISOString()).toBe(iso)
  }
  const text = encodeMessageText(message).replace('2026-01-01T00:00:00.001Z', '+010000-01-01T00:00:00.000Z')
  expect((decodeMessageText(text).message as PageMessage).records[0]!.timestamp!.getUTCFullYear()).toBe(10000)
})

test('record timestamps travel as toISOString gives them, within a second and across seconds and eras', () => {
  const times = [
    0, 1, 999, 1000, 1001, 59_999, 60_000, -1, -1000, -1001, 253_402_300_800_000, -62_198_755_200_000,
  ]
  const page: PageMessage = {
    ...message,
    records: times.map((ms, i) => ({ id: i, data: {}, timestamp: new Date(ms) })),
  }
  const wire = JSON.parse(encodeMessageText(page)) as { records: { timestamp: string }[] }
  expect(wire.records.map((r) => r.timestamp)).toEqual(times.map((ms) => new Date(ms).toISOString()))
})

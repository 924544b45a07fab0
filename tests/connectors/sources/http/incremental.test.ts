import { afterAll, expect, test } from 'bun:test'
import { startFakeApi } from '../../../helpers/fake-api.ts'
import { drain, httpSource, range } from './helpers.ts'

const api = startFakeApi({ items: 23 }) // item n changed at 2024-01-01 + n hours
afterAll(() => api.stop())

const base = {
  records_path: 'data',
  timestamp_field: 'updated_at',
  pagination: { type: 'offset', limit: 5 },
}

test('first incremental run (no previous job) reads everything and returns the highest timestamp', async () => {
  const source = await httpSource({
    url: `${api.url}/offset`,
    ...base,
    incremental: { param: 'updated_since' },
  })
  const result = await drain(source)
  expect(result.ids).toEqual(range(1, 23))
  expect(result.state).toEqual({ field: 'updated_at', value: '2024-01-01T23:00:00.000Z' })
  expect(api.requests.at(-1)!.query['updated_since']).toBeUndefined()
})

test('from: watermark sends the last run start as ISO', async () => {
  const source = await httpSource({
    url: `${api.url}/offset`,
    ...base,
    incremental: { param: 'updated_since' },
  })
  const lastRun = new Date('2024-01-01T10:30:00.000Z')
  const result = await drain(source, {}, { lastRun, state: undefined })
  expect(result.ids).toEqual(range(11, 23))
  expect(api.requests.at(-1)!.query['updated_since']).toBe('2024-01-01T10:30:00.000Z')
})

test('format: unix sends seconds', async () => {
  const source = await httpSource({
    url: `${api.url}/offset`,
    ...base,
    incremental: { param: 'updated_since', format: 'unix' },
  })
  const lastRun = new Date('2024-01-01T20:00:00.000Z')
  const result = await drain(source, {}, { lastRun, state: undefined })
  expect(result.ids).toEqual([21, 22, 23])
  expect(api.requests.at(-1)!.query['updated_since']).toBe(String(lastRun.getTime() / 1000))
})

test('from: state sends the highest timestamp of the previous run and hands it on when nothing is newer', async () => {
  const source = await httpSource({
    url: `${api.url}/offset`,
    ...base,
    incremental: { param: 'updated_since', from: 'state' },
  })
  const lastRun = new Date('2030-01-01T00:00:00.000Z') // ignored: the state wins
  const state = { field: 'updated_at', value: '2024-01-01T15:00:00.000Z' }
  const result = await drain(source, {}, { lastRun, state })
  expect(result.ids).toEqual(range(16, 23))
  expect(result.state).toEqual({ field: 'updated_at', value: '2024-01-01T23:00:00.000Z' })

  const again = await drain(source, {}, { lastRun, state: result.state })
  expect(again.ids).toEqual([])
  expect(again.state).toEqual(result.state)
})

test('the running highest value survives a resume from a stored pagination', async () => {
  const config = { url: `${api.url}/offset`, ...base, incremental: { param: 'updated_since', from: 'state' } }
  const first = await httpSource(config)
  const page1 = await first.read({ stream: 'items', pagination: {} })
  const stored = JSON.parse(JSON.stringify(page1.next))
  expect(stored).toEqual({ offset: 5, row: 5, seen: '2024-01-01T05:00:00.000Z' })
  const rest = await drain(await httpSource(config), stored)
  expect(rest.ids).toEqual(range(6, 23))
  expect(rest.state).toEqual({ field: 'updated_at', value: '2024-01-01T23:00:00.000Z' })
})

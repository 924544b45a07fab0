import { afterAll, expect, test } from 'bun:test'
import { utimesSync } from 'node:fs'
import { drain, fileSource, ndjson, tempDir } from './helpers.ts'

const tmp = tempDir()
afterAll(() => tmp.remove())

async function writeAt(name: string, content: string, mtime: string) {
  await Bun.write(`${tmp.dir}/${name}`, content)
  utimesSync(`${tmp.dir}/${name}`, new Date(mtime), new Date(mtime))
}

test('by modification time: only files changed after the last run, newest mtime kept as state', async () => {
  await writeAt('drop/a.ndjson', ndjson([{ n: 1 }]), '2024-01-01T00:00:00Z')
  await writeAt('drop/b.ndjson', ndjson([{ n: 2 }]), '2024-01-03T00:00:00Z')
  await writeAt('drop/c.ndjson', ndjson([{ n: 3 }, { n: 4 }]), '2024-01-02T00:00:00Z')
  const source = await fileSource(
    tmp.dir,
    { path: 'drop/*.ndjson', page_size: 1 },
    { syncMode: 'incremental' },
  )

  const first = await drain(source) // first incremental run: no previous job, read everything
  expect(first.records.map((r) => r.data['n'])).toEqual([1, 2, 3, 4])
  expect(first.state).toEqual({ mtime: '2024-01-03T00:00:00.000Z' })

  const lastRun = new Date('2024-01-01T12:00:00Z')
  const watermark = await drain(source, {}, { lastRun, state: undefined })
  expect(watermark.records.map((r) => r.data['n'])).toEqual([2, 3, 4])

  const byState = await drain(source, {}, { lastRun, state: first.state })
  expect(byState.records).toEqual([])
  expect(byState.state).toEqual(first.state) // handed on unchanged

  await writeAt('drop/d.ndjson', ndjson([{ n: 5 }]), '2024-01-04T00:00:00Z')
  const next = await drain(source, {}, { lastRun, state: byState.state })
  expect(next.records.map((r) => r.data['n'])).toEqual([5])
  expect(next.state).toEqual({ mtime: '2024-01-04T00:00:00.000Z' })
})

test('by cursor_field: only records above the highest value of the previous run', async () => {
  const rows = [
    { id: 1, updated_at: '2024-01-01T10:00:00Z' },
    { id: 2, updated_at: '2024-01-03T10:00:00Z' },
    { id: 3, updated_at: '2024-01-02T10:00:00Z' },
    { id: 4 }, // no cursor: read on full runs only
  ]
  await Bun.write(`${tmp.dir}/events.ndjson`, ndjson(rows))
  const config = { path: 'events.ndjson', id_field: 'id', cursor_field: 'updated_at', page_size: 2 }
  const source = await fileSource(tmp.dir, config, { syncMode: 'incremental' })

  const first = await drain(source)
  expect(first.records.map((r) => r.id)).toEqual([1, 2, 3, 4])
  expect(first.state).toEqual({ cursor_field: 'updated_at', cursor: '2024-01-03T10:00:00Z' })

  await Bun.write(
    `${tmp.dir}/events.ndjson`,
    ndjson([
      ...rows,
      { id: 5, updated_at: '2024-01-03T10:00:00Z' },
      { id: 6, updated_at: '2024-01-05T00:00:00Z' },
    ]),
  )
  const lastRun = new Date()
  const second = await drain(source, {}, { lastRun, state: first.state, cursorField: 'updated_at' })
  expect(second.records.map((r) => r.id)).toEqual([6])
  expect(second.state).toEqual({ cursor_field: 'updated_at', cursor: '2024-01-05T00:00:00Z' })
})

test('by numeric cursor_field in CSV, and the running maximum survives a resume', async () => {
  await Bun.write(`${tmp.dir}/seq.csv`, 'id,seq\na,5\nb,12\nc,9\nd,30\ne,2\n')
  const config = { path: 'seq.csv', id_field: 'id', cursor_field: 'seq', page_size: 2 }
  const state = { cursor_field: 'seq', cursor: 8 }
  const first = await fileSource(tmp.dir, config, { syncMode: 'incremental' })
  const page1 = await first.read({
    stream: 'rows',
    pagination: {},
    incremental: { lastRun: new Date(), state },
  })
  expect(page1.records.map((r) => r.id)).toEqual(['b', 'c']) // a page counts records kept, not rows scanned
  const stored = JSON.parse(JSON.stringify(page1.next))
  expect(stored.seen).toBe(12)
  const resumed = await fileSource(tmp.dir, config, { syncMode: 'incremental' })
  const rest = await drain(resumed, stored, { lastRun: new Date(), state })
  expect(rest.records.map((r) => r.id)).toEqual(['d'])
  expect(rest.state).toEqual({ cursor_field: 'seq', cursor: 30 })
})

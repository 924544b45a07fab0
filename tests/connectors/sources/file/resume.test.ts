import { afterAll, expect, test } from 'bun:test'
import { drain, fileSource, ndjson, tempDir } from './helpers.ts'

const tmp = tempDir()
afterAll(() => tmp.remove())
const write = (name: string, content: string | Uint8Array) => Bun.write(`${tmp.dir}/${name}`, content)

const rows = Array.from({ length: 25 }, (_, i) => ({
  id: i + 1,
  name: `row ${i + 1}`,
  note: i % 3 ? 'plain' : 'with, comma\nand newline',
}))
const csvText = `id,name,note\n${rows.map((r) => `${r.id},${r.name},"${r.note}"`).join('\n')}\n`

/** Reads two pages, "crashes" (drops the instance), resumes a new one from the stored JSON pagination. */
async function crashAndResume(config: Record<string, unknown>) {
  const first = await fileSource(tmp.dir, config)
  const page1 = await first.read({ stream: 'rows', pagination: {} })
  const page2 = await first.read({ stream: 'rows', pagination: page1.next! })
  const stored = JSON.parse(JSON.stringify(page2.next))
  const rest = await drain(await fileSource(tmp.dir, config), stored)
  return { before: [...page1.records, ...page2.records], stored, rest: rest.records }
}

test('NDJSON resumes at the byte offset after the last page', async () => {
  await write('r.ndjson', ndjson(rows))
  const { before, stored, rest } = await crashAndResume({ path: 'r.ndjson', page_size: 7 })
  const offset = Buffer.byteLength(ndjson(rows.slice(0, 14)))
  expect(stored).toEqual({ file: 'r.ndjson', offset, row: 14, line: 14 })
  expect(before.map((r) => r.id)).toEqual(rows.slice(0, 14).map((r) => r.id))
  expect(rest.map((r) => r.data)).toEqual(rows.slice(14))
  expect(rest[0]!.id).toBe(15) // line numbers continue after the resume
})

test('CSV resumes at the byte offset, keeps the header and the line count across quoted newlines', async () => {
  await write('r.csv', csvText)
  const { before, stored, rest } = await crashAndResume({ path: 'r.csv', page_size: 5 })
  expect(stored.file).toBe('r.csv')
  expect(stored.row).toBe(10)
  expect(stored.line).toBe(1 + 10 + 4) // header + 10 rows, 4 of which hold a newline
  expect(csvText.slice(stored.offset).startsWith(`11,row 11,`)).toBe(true)
  expect([...before, ...rest].map((r) => r.data)).toEqual(rows)
  expect(rest.map((r) => r.id)).toEqual(rows.slice(10).map((r) => r.id))
})

test('gzip resumes by row number', async () => {
  await write('r.csv.gz', Bun.gzipSync(new TextEncoder().encode(csvText)))
  const { before, stored, rest } = await crashAndResume({ path: 'r.csv.gz', page_size: 6 })
  expect(stored).toEqual({ file: 'r.csv.gz', row: 12 })
  expect([...before, ...rest].map((r) => r.data)).toEqual(rows)
})

test('JSON array resumes by element number', async () => {
  await write('r.json', JSON.stringify(rows, null, 1))
  const { stored, rest } = await crashAndResume({ path: 'r.json', page_size: 4 })
  expect(stored).toEqual({ file: 'r.json', row: 8 })
  expect(rest.map((r) => r.data)).toEqual(rows.slice(8))
})

test('a glob resumes in the right file; files before it are not read again', async () => {
  await write('many/1.ndjson', ndjson(rows.slice(0, 10)))
  await write('many/2.ndjson', ndjson(rows.slice(10, 20)))
  await write('many/3.ndjson', ndjson(rows.slice(20)))
  const { stored, rest } = await crashAndResume({ path: 'many/*.ndjson', page_size: 6 })
  expect(stored).toEqual({
    file: '2.ndjson',
    offset: Buffer.byteLength(ndjson(rows.slice(10, 12))),
    row: 2,
    line: 2,
  })
  expect(rest.map((r) => r.id)).toEqual([
    ...range(3, 10).map((n) => `2.ndjson:${n}`),
    ...range(1, 5).map((n) => `3.ndjson:${n}`),
  ])
})

test('a file that shrank since the checkpoint is reported, not silently misread', async () => {
  await write('shrink.ndjson', ndjson(rows))
  const first = await fileSource(tmp.dir, { path: 'shrink.ndjson', page_size: 20 })
  const page = await first.read({ stream: 'rows', pagination: {} })
  await write('shrink.ndjson', ndjson(rows.slice(0, 2)))
  const again = await fileSource(tmp.dir, { path: 'shrink.ndjson', page_size: 20 })
  await expect(
    again.read({ stream: 'rows', pagination: JSON.parse(JSON.stringify(page.next)) }),
  ).rejects.toThrow(
    /^Source "file" could not resume shrink\.ndjson at byte \d+: the file is now \d+ bytes \(it changed since the last run\)\. Run again with force_ignore_checkpoint: true to start over\.$/,
  )
})

function range(from: number, to: number) {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i)
}

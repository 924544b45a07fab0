import { afterAll, expect, test } from 'bun:test'
import { READ_BYTES } from '../../../../connectors/sources/file/spans.ts'
import { drain, fileSource, ndjson, tempDir } from './helpers.ts'

const tmp = tempDir()
afterAll(() => tmp.remove())
const write = (name: string, content: string | Uint8Array) => Bun.write(`${tmp.dir}/${name}`, content)
const gzip = (text: string) => Bun.gzipSync(new TextEncoder().encode(text))

const people = [
  { id: 'p1', name: 'Ada', age: 36 },
  { id: 'p2', name: 'Linus', age: 54, tags: ['kernel'] },
  { id: 'p3', name: 'Grace', age: 85, nested: { a: { b: 1 } } },
]
const CSV = [
  'id,name,score,active,note,zip,big',
  '1,Ada,9.5,true,,02134,12345678901234567890',
  '2,"Hopper, Grace",-3,FALSE,"said ""hi""",10001,1e3',
  '3,"two',
  'lines",0,false,"",x,',
].join('\r\n')

test('NDJSON: one object per line, blank lines ignored, id = line number by default', async () => {
  await write('people.ndjson', `${ndjson(people.slice(0, 2))}\n${ndjson(people.slice(2))}`)
  const result = await drain(await fileSource(tmp.dir, { path: 'people.ndjson' }))
  expect(result.records).toEqual([
    { id: 1, data: people[0]! },
    { id: 2, data: people[1]! },
    { id: 4, data: people[2]! },
  ])
})

test('JSON array, with id_field', async () => {
  await write('people.json', JSON.stringify(people, null, 2))
  const result = await drain(await fileSource(tmp.dir, { path: 'people.json', id_field: 'id', page_size: 2 }))
  expect(result.records.map((r) => r.id)).toEqual(['p1', 'p2', 'p3'])
  expect(result.records.map((r) => r.data)).toEqual(people)
  expect(result.paginations).toEqual([{ file: 'people.json', row: 2 }])
})

test('CSV: header row, typed values, RFC 4180 quoting with commas, quotes and newlines', async () => {
  await write('scores.csv', CSV)
  const result = await drain(await fileSource(tmp.dir, { path: 'scores.csv' }))
  expect(result.records).toEqual([
    {
      id: 1,
      data: {
        id: 1,
        name: 'Ada',
        score: 9.5,
        active: true,
        note: null,
        zip: '02134',
        big: '12345678901234567890',
      },
    },
    {
      id: 2,
      data: {
        id: 2,
        name: 'Hopper, Grace',
        score: -3,
        active: false,
        note: 'said "hi"',
        zip: 10001,
        big: 1000,
      },
    },
    { id: 3, data: { id: 3, name: 'two\r\nlines', score: 0, active: false, note: '', zip: 'x', big: null } },
  ])
})

test('CSV with another delimiter and fewer fields than the header', async () => {
  await write('semi.csv', 'a;b;c\n1;x\n')
  const result = await drain(await fileSource(tmp.dir, { path: 'semi.csv', delimiter: ';' }))
  expect(result.records).toEqual([{ id: 1, data: { a: 1, b: 'x', c: null } }])
})

test('gzip is detected for NDJSON, CSV and JSON, whatever the name', async () => {
  await write('people.ndjson.gz', gzip(ndjson(people)))
  await write('scores.csv.gz', gzip(CSV))
  await write('people.json.gz', gzip(JSON.stringify(people)))
  await write('packed.ndjson', gzip(ndjson(people))) // gzip without .gz
  for (const path of ['people.ndjson.gz', 'people.json.gz', 'packed.ndjson']) {
    const result = await drain(await fileSource(tmp.dir, { path, page_size: 2 }))
    expect(result.records.map((r) => r.data)).toEqual(people)
  }
  const csv = await drain(await fileSource(tmp.dir, { path: 'scores.csv.gz', page_size: 1 }))
  expect(csv.records.map((r) => r.data['name'])).toEqual(['Ada', 'Hopper, Grace', 'two\r\nlines'])
  expect(csv.paginations).toEqual([
    { file: 'scores.csv.gz', row: 1 },
    { file: 'scores.csv.gz', row: 2 },
    { file: 'scores.csv.gz', row: 3 },
  ])
})

test('a glob reads every match in name order, pages spanning files, ids prefixed with the file', async () => {
  await write('glob/b.ndjson', ndjson([{ n: 3 }, { n: 4 }]))
  await write('glob/a.ndjson', ndjson([{ n: 1 }, { n: 2 }]))
  await write('glob/sub/c.ndjson.gz', gzip(ndjson([{ n: 5 }])))
  await write('glob/ignored.txt', 'not data')
  const result = await drain(await fileSource(tmp.dir, { path: 'glob/**/*.ndjson*', page_size: 3 }))
  expect(result.records.map((r) => r.id)).toEqual([
    'a.ndjson:1',
    'a.ndjson:2',
    'b.ndjson:1',
    'b.ndjson:2',
    'sub/c.ndjson.gz:1',
  ])
  expect(result.records.map((r) => r.data['n'])).toEqual([1, 2, 3, 4, 5])
  expect(result.pages).toBe(2)
})

test('a glob that matches nothing is an empty stream', async () => {
  const result = await drain(await fileSource(tmp.dir, { path: 'nothing/*.csv' }))
  expect(result.records).toEqual([])
  expect(result.pages).toBe(1)
})

test('records that straddle read chunks are cut correctly (a 3 MB file)', async () => {
  const rows = Array.from({ length: 3000 }, (_, i) => ({ i, pad: 'x'.repeat(i % 2000), s: 'é,"\n' }))
  await write('big.ndjson', ndjson(rows))
  await write('big.csv', `i,pad,s\n${rows.map((r) => `${r.i},${r.pad},"é,""\n"`).join('\n')}\n`)
  for (const path of ['big.ndjson', 'big.csv']) {
    const result = await drain(await fileSource(tmp.dir, { path, page_size: 700 }))
    expect(result.records).toHaveLength(3000)
    // CSV reads the empty pad of row 0 as null.
    const expected = path.endsWith('.csv')
      ? rows.map((r) => ({ ...r, pad: r.pad === '' ? null : r.pad }))
      : rows
    expect(result.records.map((r) => r.data)).toEqual(expected)
  }
})

test('records longer than the read buffer grow it, plain or gzip, and resume at their offsets', async () => {
  // Around a record 2.5x the buffer: short ones before and after, so the buffer grows mid-file.
  const sizes = [10, READ_BYTES * 2.5, 20, READ_BYTES - 5, 30]
  const rows = sizes.map((size, i) => ({ i, pad: 'é'.repeat(size / 2) }))
  const csv = `i,pad\n${rows.map((r) => `${r.i},"${r.pad}\n${r.pad}"`).join('\n')}\n`
  const expected = { 'long.ndjson': rows, 'long.csv': rows.map((r) => ({ ...r, pad: `${r.pad}\n${r.pad}` })) }
  await write('long.ndjson', ndjson(rows))
  await write('long.csv', csv)
  await write('long.ndjson.gz', gzip(ndjson(rows)))
  for (const [path, want] of [...Object.entries(expected), ['long.ndjson.gz', rows] as const]) {
    const all = await drain(await fileSource(tmp.dir, { path, page_size: 1 }))
    expect(all.records.map((r) => r.data)).toEqual(want)
    // Resuming after each page reads exactly the rest.
    for (let k = 0; k < all.paginations.length; k++) {
      const rest = await drain(await fileSource(tmp.dir, { path, page_size: 1 }), all.paginations[k]!)
      expect(rest.records.map((r) => r.data)).toEqual(want.slice(k + 1))
    }
  }
})

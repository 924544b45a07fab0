import { afterAll, expect, test } from 'bun:test'
import type { Logged } from '../http/helpers.ts'
import { drain, fileSource, ndjson, tempDir } from './helpers.ts'

const tmp = tempDir()
afterAll(() => tmp.remove())
const write = (name: string, content: string | Uint8Array) => Bun.write(`${tmp.dir}/${name}`, content)
const bytes = (...parts: (string | number[])[]) =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p))))

const fail = async (config: Record<string, unknown>) => {
  const error = await drain(await fileSource(tmp.dir, config)).catch((e) => e)
  if (!(error instanceof Error)) throw new Error('expected the read to fail')
  return error.message
}

test('a malformed JSON line names the file, the line and the parser message', async () => {
  await write('bad.ndjson', `${ndjson([{ a: 1 }, { a: 2 }])}{"a": 3,\n${ndjson([{ a: 4 }])}`)
  expect(await fail({ path: 'bad.ndjson' })).toMatch(
    /^Source "file" could not read bad\.ndjson line 3: malformed JSON \(.+\)\. Fix the record, or set source\.on_error: skip to skip bad records\.$/,
  )
})

test('the line number is right after a resume at a byte offset', async () => {
  await write('late.ndjson', `${ndjson([{ a: 1 }, { a: 2 }, { a: 3 }])}[1, 2]\n`)
  const source = await fileSource(tmp.dir, { path: 'late.ndjson', page_size: 2 })
  const page = await source.read({ stream: 'rows', pagination: {} })
  const resumed = await fileSource(tmp.dir, { path: 'late.ndjson', page_size: 2 })
  await expect(
    resumed.read({ stream: 'rows', pagination: JSON.parse(JSON.stringify(page.next)) }),
  ).rejects.toThrow(
    'Source "file" could not read late.ndjson line 4: the line is a list, not a JSON object. Fix the record, or set source.on_error: skip to skip bad records.',
  )
})

test('invalid UTF-8 names the byte', async () => {
  await write('latin1.ndjson', bytes('{"a": 1}\n{"name": "caf', [0xe9], '"}\n'))
  expect(await fail({ path: 'latin1.ndjson' })).toBe(
    'Source "file" could not read latin1.ndjson line 2: invalid UTF-8 at byte 14 of the record. Fix the record, or set source.on_error: skip to skip bad records.',
  )
})

test('a raw control character names its code and column', async () => {
  await write('ctl.ndjson', bytes('{"a": 1}\n{"name": "a', [0x01], 'b"}\n'))
  expect(await fail({ path: 'ctl.ndjson' })).toBe(
    'Source "file" could not read ctl.ndjson line 2: control character U+0001 at column 12. Fix the record, or set source.on_error: skip to skip bad records.',
  )
  await write('ctl.csv', bytes('a,b\n1,x', [0x00], 'y\n'))
  expect(await fail({ path: 'ctl.csv' })).toBe(
    'Source "file" could not read ctl.csv line 2 (row 1): control character U+0000 at column 4. Fix the record, or set source.on_error: skip to skip bad records.',
  )
})

test('CSV: too many fields and a broken quote', async () => {
  await write('wide.csv', 'a,b\n1,2\n3,4,5\n')
  expect(await fail({ path: 'wide.csv' })).toBe(
    'Source "file" could not read wide.csv line 3 (row 2): 3 fields but the header has 2. Fix the record, or set source.on_error: skip to skip bad records.',
  )
  await write('quote.csv', 'a,b\n1,"x"y\n')
  expect(await fail({ path: 'quote.csv' })).toContain(
    'quote.csv line 2 (row 1): unexpected text after the closing quote at column 6.',
  )
})

test('JSON: not an array, an element that is not an object, a cut file', async () => {
  await write('obj.json', '{"a": 1}')
  expect(await fail({ path: 'obj.json' })).toBe(
    'Source "file" could not read obj.json line 1: expected a JSON array, found "{". Check source.path and source.format.',
  )
  await write('mixed.json', '[{"a": 1},\n 42]')
  expect(await fail({ path: 'mixed.json' })).toBe(
    'Source "file" could not read mixed.json element 2 (line 2): element 2 is a number, not a JSON object. Fix the record, or set source.on_error: skip to skip bad records.',
  )
  await write('cut.json', '[{"a": 1}, {"a":')
  expect(await fail({ path: 'cut.json' })).toBe(
    'Source "file" could not read cut.json line 1: the array is not closed (file cut short?). Check source.path and source.format.',
  )
})

test('on_error: skip logs each bad record and reads the rest', async () => {
  await write('mixed.ndjson', bytes('{"a": 1}\n{oops}\n{"a": 2}\n{"a": "', [0xff], '"}\n{"a": 3}\n'))
  const logs: Logged[] = []
  const result = await drain(await fileSource(tmp.dir, { path: 'mixed.ndjson', on_error: 'skip' }, { logs }))
  expect(result.records.map((r) => r.data)).toEqual([{ a: 1 }, { a: 2 }, { a: 3 }])
  expect(result.records.map((r) => r.id)).toEqual([1, 3, 5])
  expect(logs.filter((l) => l.level === 'warn').map((l) => l.message)).toEqual([
    expect.stringMatching(/^Source "file" skipped mixed\.ndjson line 2: malformed JSON \(.+\)\.$/),
    'Source "file" skipped mixed.ndjson line 4: invalid UTF-8 at byte 8 of the record.',
  ])
})

test('a missing id_field is a bad record', async () => {
  await write('ids.ndjson', ndjson([{ id: 'x' }, { name: 'no id' }]))
  expect(await fail({ path: 'ids.ndjson', id_field: 'id' })).toBe(
    'Source "file" could not read ids.ndjson line 2: id_field "id" is missing. Fix the record, or set source.on_error: skip to skip bad records.',
  )
})

test('a missing file and an unknown extension say what to change', async () => {
  expect(await fail({ path: 'nope.csv' })).toBe(
    `Source "file" could not open ${tmp.dir}/nope.csv: no such file. Check source.path.`,
  )
  await write('data.txt', 'a,b\n1,2\n')
  expect(await fail({ path: 'data.txt' })).toBe(
    'Source "file" cannot tell the format of data.txt from its extension. Set source.format to ndjson, json or csv.',
  )
  const result = await drain(await fileSource(tmp.dir, { path: 'data.txt', format: 'csv' }))
  expect(result.records.map((r) => r.data)).toEqual([{ a: 1, b: 2 }])
})

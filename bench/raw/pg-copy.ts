/**
 * Raw bounds of the postgres destination: COPY FROM STDIN through postgres.js of the envelope rows
 * (table types as bizon's: timestamptz, jsonb), in ~1 MB chunks.
 *   --mode copy  build + stringify the synthetic records, COPY them (bound of synthetic → postgres)
 *   --mode load  read an NDJSON file, parse each line, COPY it (bound of file → postgres)
 *   --mode seed  fill `--table` with the bare records as columns (the postgres source's input)
 * Usage: bun bench/raw/pg-copy.ts --mode M --url URL --table T --records N --record-bytes B [--file F]
 */
import { createReadStream } from 'node:fs'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import postgres from 'postgres'
import { arg, isoOffset, newId, numberArg, recordMaker, report } from './common.ts'

const mode = arg('mode', 'copy')
const url = arg('url', process.env.BIZON_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres')
const table = arg('table', 'bench_raw')
const records = numberArg('records', 1_000_000)
const recordBytes = numberArg('record-bytes', 200)
const file = arg('file', '')
const base = Date.parse('2024-01-01T00:00:00Z')

const needsEscape = /[\\\t\n\r]/
const esc = (s: string) =>
  needsEscape.test(s)
    ? s.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r')
    : s

const ENVELOPE =
  'bizon_id text, bizon_extracted_at timestamptz, bizon_loaded_at timestamptz, source_record_id text, source_timestamp timestamptz, source_data jsonb'
const SEED = 'id bigint primary key, name text, score double precision, updated_at text, filler text'

/** COPY lines of the envelope for each data text, joined into ~1 MB chunks. */
function* envelopeChunks(texts: Iterable<[string, string]>): Generator<string> {
  const extracted = isoOffset(new Date())
  let chunk = ''
  for (const [id, text] of texts) {
    chunk += `${newId()}\t${extracted}\t${extracted}\t${esc(id)}\t${isoOffset(new Date(base + Number(id)))}\t${esc(text)}\n`
    if (chunk.length > 1 << 20) {
      yield chunk
      chunk = ''
    }
  }
  if (chunk) yield chunk
}

function* synthetic(): Generator<[string, string]> {
  const make = recordMaker(records, recordBytes)
  for (let i = 0; i < records; i++) yield [String(i), JSON.stringify(make(i))]
}

/** Lines of an NDJSON file, each parsed (as the file source does) and stringified again. */
async function* fromFile(path: string): AsyncGenerator<[string, string]> {
  const decoder = new TextDecoder()
  let rest = ''
  for await (const bytes of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    const text = rest + decoder.decode(bytes, { stream: true })
    const lines = text.split('\n')
    rest = lines.pop() ?? ''
    for (const line of lines) {
      if (!line) continue
      const data = JSON.parse(line) as { id: number }
      yield [String(data.id), JSON.stringify(data)]
    }
  }
}

async function* envelopeFromFile(path: string): AsyncGenerator<string> {
  const batch: [string, string][] = []
  for await (const row of fromFile(path)) {
    batch.push(row)
    if (batch.length === 5000) {
      yield* envelopeChunks(batch.splice(0))
    }
  }
  yield* envelopeChunks(batch)
}

function* seedChunks(): Generator<string> {
  const make = recordMaker(records, recordBytes)
  let chunk = ''
  for (let i = 0; i < records; i++) {
    const r = make(i)
    chunk += `${r.id}\t${r.name}\t${r.score}\t${r.updated_at}\t${r.filler}\n`
    if (chunk.length > 1 << 20) {
      yield chunk
      chunk = ''
    }
  }
  if (chunk) yield chunk
}

const sql = postgres(url, { max: 1, onnotice: () => {} })
try {
  await sql.unsafe(`DROP TABLE IF EXISTS ${table}`)
  await sql.unsafe(`CREATE TABLE ${table} (${mode === 'seed' ? SEED : ENVELOPE})`)
  const started = performance.now()
  const writable = await sql.unsafe(`COPY ${table} FROM STDIN`).writable()
  const source =
    mode === 'seed' ? seedChunks() : mode === 'load' ? envelopeFromFile(file) : envelopeChunks(synthetic())
  await pipeline(Readable.from(source, { objectMode: false }), writable)
  const seconds = (performance.now() - started) / 1000
  const [{ n }] = await sql.unsafe(`SELECT count(*)::int AS n FROM ${table}`)
  if (n !== records) throw new Error(`expected ${records} rows in ${table}, found ${n}`)
  if (mode !== 'seed') await sql.unsafe(`DROP TABLE ${table}`)
  report({ primitive: `pg-${mode}`, records, seconds })
} finally {
  await sql.end()
}

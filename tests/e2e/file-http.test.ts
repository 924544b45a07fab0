/** End to end through the CLI (issue 5): file (CSV) → sqlite, http → file per pagination style, kill -9 and resume. */
import { Database } from 'bun:sqlite'
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from 'bun:test'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { type CliResult, runCli, spawnCli } from '../helpers/cli.ts'
import { type FakeApi, startFakeApi } from '../helpers/fake-api.ts'
import { readLines, sourceIds, stateRows, writePipeline } from '../helpers/pipeline.ts'
import { tempDir } from '../helpers/tmp.ts'

setDefaultTimeout(60_000)

const range = (n: number) => Array.from({ length: n }, (_, i) => String(i + 1))
const byNumber = (ids: string[]) => [...ids].sort((a, b) => Number(a) - Number(b))

/** Starts `bizon run p.yml`, waits until `rows` are checkpointed by the destination, then SIGKILLs it. */
async function killAfterWritten(dir: string, rows: number): Promise<{ killed: CliResult; written: number }> {
  const run = spawnCli(['run', 'p.yml'], { cwd: dir })
  const deadline = Date.now() + 20_000
  let written = 0
  while (Date.now() < deadline && run.proc.exitCode === null) {
    const [row] = stateRows(
      dir,
      'select coalesce(sum(rows_written), 0) as n from destination_cursors where success = 1',
    )
    written = Number(row?.n ?? 0)
    if (written >= rows) break
    await Bun.sleep(10)
  }
  run.kill('SIGKILL')
  const killed = await run.exited
  // a page may have been committed between the last poll and the kill
  const [row] = stateRows(
    dir,
    'select coalesce(sum(rows_written), 0) as n from destination_cursors where success = 1',
  )
  return { killed, written: Math.max(written, Number(row?.n ?? 0)) }
}

describe('file (CSV) → sqlite', () => {
  test('3000 typed rows, a quoted field with a comma and a newline, arrive in the table', async () => {
    const dir = tempDir()
    const lines = ['id,name,price,active,note,zip']
    for (let i = 1; i <= 3000; i++) {
      const note = i === 42 ? '"hello, world\nsecond ""line"""' : i % 10 === 0 ? '' : `n${i}`
      lines.push(`${i},name-${i},${(i * 1.5).toFixed(1)},${i % 2 === 0},${note},00${i}`)
    }
    writeFileSync(join(dir, 'data.csv'), `${lines.join('\n')}\n`)
    writePipeline(
      dir,
      'p.yml',
      `name: csv_to_sqlite
source:
  name: file
  stream: rows
  path: data.csv
  format: csv
  id_field: id
  page_size: 700
destination:
  name: sqlite
  config:
    path: out.sqlite
    destination_id: rows
`,
    )
    const result = await runCli(['run', 'p.yml'], { cwd: dir })
    expect(result.code).toBe(0)
    const db = new Database(join(dir, 'out.sqlite'), { readonly: true })
    try {
      expect(db.query('select count(*) as n from rows').get()).toEqual({ n: 3000 })
      const read = (id: number) => {
        const row = db.query('select source_data from rows where source_record_id = ?1').get(String(id)) as {
          source_data: string
        } | null
        return row && JSON.parse(row.source_data)
      }
      expect(read(42)).toEqual({
        id: 42,
        name: 'name-42',
        price: 63,
        active: true,
        note: 'hello, world\nsecond "line"',
        zip: '0042',
      })
      // empty cell → null, leading-zero number stays text, false is a boolean
      expect(read(2999)).toEqual({
        id: 2999,
        name: 'name-2999',
        price: 4498.5,
        active: false,
        note: 'n2999',
        zip: '002999',
      })
      expect(read(3000)?.note).toBeNull()
      const ids = db.query('select source_record_id as id from rows').all() as { id: string }[]
      expect(new Set(ids.map((r) => String(r.id))).size).toBe(3000)
    } finally {
      db.close()
    }
  })
})

describe('http → file', () => {
  // 103 ends on a short page, 100 on a full one followed by an empty page (or no next link)
  const apis: FakeApi[] = []
  beforeAll(() => {
    apis.push(startFakeApi({ items: 103 }), startFakeApi({ items: 100 }))
  })
  afterAll(() => Promise.all(apis.map((api) => api.stop())))

  const styles: Record<string, (url: string) => string> = {
    offset: (url) => `  url: ${url}/offset
  records_path: data
  pagination: {type: offset, limit: 10}`,
    page: (url) => `  url: ${url}/page
  records_path: items
  pagination: {type: page, size_param: per_page, size: 10}`,
    cursor: (url) => `  url: ${url}/cursor
  params: {limit: 10}
  records_path: results
  pagination: {type: cursor, cursor_path: meta.next_cursor}`,
    link_header: (url) => `  url: ${url}/link
  params: {per_page: 10}
  records_path: ''
  pagination: {type: link_header}`,
    next_url: (url) => `  url: ${url}/next
  params: {limit: 10}
  records_path: data
  pagination: {type: next_url, next_url_path: links.next}`,
  }

  for (const [style, source] of Object.entries(styles)) {
    test(`${style} pagination: every id arrives exactly once`, async () => {
      for (const api of apis) {
        const dir = tempDir()
        writePipeline(
          dir,
          'p.yml',
          `name: http_${style}
source:
  name: http
  stream: items
${source(api.url)}
destination:
  name: file
  config:
    destination_id: out
`,
        )
        const result = await runCli(['run', 'p.yml'], { cwd: dir })
        expect(result.code).toBe(0)
        expect(byNumber(sourceIds(join(dir, 'out.json')))).toEqual(range(api.items.length))
      }
    })
  }
})

describe('kill -9 mid-run, then resume', () => {
  // CSV resumes at a byte offset too: every row holds a quoted comma and newline to land the cut on
  const formats = {
    ndjson: (i: number) => JSON.stringify({ id: i, seq: i, name: `event-${i}`, note: 'a,b\nc' }),
    csv: (i: number) => `${i},${i},event-${i},"a,b\nc"`,
  }
  for (const [format, line] of Object.entries(formats)) {
    test(`file source (${format}), incremental by cursor_field: nothing missing, duplicates within one page`, async () => {
      const dir = tempDir()
      const total = 50_000
      const pageSize = 200
      const lines = Array.from({ length: total }, (_, i) => line(i + 1))
      if (format === 'csv') lines.unshift('id,seq,name,note')
      writeFileSync(join(dir, `events.${format}`), `${lines.join('\n')}\n`)
      writePipeline(
        dir,
        'p.yml',
        `name: ${format}_incremental
source:
  name: file
  stream: events
  sync_mode: incremental
  cursor_field: seq
  path: events.${format}
  id_field: id
  page_size: ${pageSize}
destination:
  name: file
  config:
    destination_id: out
    buffer_size: 0
`,
      )
      const { killed, written } = await killAfterWritten(dir, 2000)
      // the kill must land mid-run, else this test proves nothing about resuming
      expect(killed.code).toBe(137)
      expect(written).toBeGreaterThanOrEqual(2000)
      expect(written).toBeLessThan(total)
      const rerun = await runCli(['run', 'p.yml'], { cwd: dir, timeoutMs: 40_000 })
      expect(rerun.code).toBe(0)
      expect(`${rerun.stdout}${rerun.stderr}`).toContain('Resuming job')
      const out = readLines(join(dir, 'out.json'))
      const ids = out.map((r) => String(r.source_record_id))
      expect(byNumber([...new Set(ids)])).toEqual(range(total))
      expect(ids.length - total).toBeLessThanOrEqual(pageSize)
      // records read after the resume point are whole, not cut mid-field
      const data = out.map((r) =>
        typeof r.source_data === 'string' ? JSON.parse(r.source_data) : r.source_data,
      )
      expect(data.filter((d) => d.note !== 'a,b\nc' || d.name !== `event-${d.id}`)).toEqual([])
      expect(stateRows(dir, "select count(*) as n from stream_jobs where status = 'running'")[0]!.n).toBe(0)
    })
  }

  test('http source, incremental, slow pages: the rerun resumes the job and every id is present', async () => {
    const items = 300
    const api = startFakeApi({ items })
    try {
      // every answer of the first run takes 40 ms, so the kill lands between pages
      api.script('/offset', ...Array.from({ length: 40 }, () => ({ delayMs: 40 })))
      const dir = tempDir()
      writePipeline(
        dir,
        'p.yml',
        `name: http_incremental
source:
  name: http
  stream: items
  sync_mode: incremental
  url: ${api.url}/offset
  records_path: data
  timestamp_field: updated_at
  pagination: {type: offset, limit: 10}
  incremental: {param: updated_since, from: state}
destination:
  name: file
  config:
    destination_id: out
    buffer_size: 0
`,
      )
      const { killed, written } = await killAfterWritten(dir, 50)
      expect(killed.code).toBe(137)
      expect(written).toBeGreaterThanOrEqual(50)
      expect(written).toBeLessThan(items)
      const firstRunRequests = api.count('/offset')
      const rerun = await runCli(['run', 'p.yml'], { cwd: dir })
      expect(rerun.code).toBe(0)
      expect(`${rerun.stdout}${rerun.stderr}`).toContain('Resuming job')
      const ids = sourceIds(join(dir, 'out.json'))
      expect(byNumber([...new Set(ids)])).toEqual(range(items))
      expect(ids.length - items).toBeLessThanOrEqual(10)
      // the rerun checks the connection with the first page, then reads on from the checkpoint
      const rerunOffsets = api.requests.slice(firstRunRequests).map((r) => Number(r.query['offset'] ?? 0))
      expect(rerunOffsets.filter((offset) => offset < written)).toEqual([0])
      expect(rerunOffsets[1]).toBe(written)
    } finally {
      await api.stop()
    }
  })
})

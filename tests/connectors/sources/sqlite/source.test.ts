/** The sqlite source: keyset incremental with state across runs, queries, rowid tables, errors, discovery. */
import { Database } from 'bun:sqlite'
import { describe, expect, test } from 'bun:test'
import { join } from 'node:path'
import * as v from 'valibot'
import decl, { listStreams } from '../../../../connectors/sources/sqlite/index.ts'
import type { SyncMode } from '../../../../src/index.ts'
import { tempDir } from '../../../helpers/tmp.ts'
import { readAll, sourceContext } from '../postgres/drive.ts'

const dir = tempDir('bizon-sqlite-source-')
const db = new Database(join(dir, 'shop.sqlite'))
db.run('CREATE TABLE orders (id INTEGER PRIMARY KEY, total REAL, note TEXT, updated_at TEXT)')
db.run('CREATE VIEW big_orders AS SELECT * FROM orders WHERE total > 100')
// 50 rows sharing 3 cursor values, so page boundaries fall inside runs of equal cursors.
db.transaction(() => {
  for (let i = 1; i <= 50; i++) {
    db.run('INSERT INTO orders VALUES (?1, ?2, ?3, ?4)', [
      i,
      i * 2.5,
      i === 1 ? 'tab\there "q"' : null,
      `2024-01-0${1 + (i % 3)} 10:00:00`,
    ])
  }
})()

async function open(own: Record<string, unknown>, syncMode: SyncMode = 'full_refresh', cursor?: string) {
  const stream = (own.stream as string) ?? 'orders'
  const { stream: _, ...rest } = own
  const config = {
    ...v.parse(decl.config!, { path: 'shop.sqlite', ...rest }),
    name: 'sqlite',
    stream,
    sync_mode: syncMode,
    cursor_field: cursor,
  }
  return decl.create(config as never, sourceContext(stream, syncMode, dir))
}

describe('sqlite source', () => {
  test('a full refresh reads the stream-named table (path relative to the pipeline folder)', async () => {
    const source = await open({ page_size: 7 })
    const { records } = await readAll(source, 'orders')
    expect(records.map((r) => r.id)).toEqual(Array.from({ length: 50 }, (_, i) => String(i + 1)))
    expect(records[0].data).toEqual({
      id: 1,
      total: 2.5,
      note: 'tab\there "q"',
      updated_at: '2024-01-02 10:00:00',
    })
    expect(await source.total?.()).toBe(50)
    await source.close?.()
  })

  test('incremental keyset pagination loses and repeats nothing across equal cursors; state carries to the next run', async () => {
    const source = await open({ page_size: 7 }, 'incremental', 'updated_at')
    const first = await readAll(source, 'orders')
    const ids = first.records.map((r) => Number(r.id))
    expect([...ids].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1))
    expect(ids.slice(0, 3)).toEqual([3, 6, 9])
    expect(first.records[0].timestamp?.toISOString()).toBe('2024-01-01T10:00:00.000Z')
    for (let k = 0; k < first.pages.length - 1; k++) {
      const rest = await readAll(source, 'orders', { pagination: first.pages[k].next! })
      const done = first.pages.slice(0, k + 1).flatMap((p) => p.records).length
      expect(rest.records.map((r) => Number(r.id))).toEqual(ids.slice(done))
    }
    expect(first.state).toEqual({ cursor_field: 'updated_at', cursor: '2024-01-03 10:00:00', key: [50] })

    const writer = new Database(join(dir, 'shop.sqlite'))
    writer.run(`UPDATE orders SET total = 0, updated_at = '2024-02-01 00:00:00' WHERE id IN (4, 5)`)
    writer.run(`INSERT INTO orders VALUES (51, 1, NULL, '2024-02-01 00:00:00'), (52, 1, NULL, NULL)`)
    writer.close()
    const lastRun = new Date()
    const second = await readAll(source, 'orders', { incremental: { lastRun, state: first.state } })
    expect(second.records.map((r) => r.id)).toEqual(['4', '5', '51'])
    const third = await readAll(source, 'orders', { incremental: { lastRun, state: second.state } })
    expect(third.records).toEqual([])
    expect(third.state).toEqual(second.state)
    await source.close?.()
  })

  test('a view is read by its primary_key; without one, incremental is refused with the key to set', async () => {
    const source = await open({ stream: 'big_orders', primary_key: 'id', page_size: 3 })
    expect((await readAll(source, 'big_orders')).records.length).toBe(10)
    await source.close?.()
    const keyless = await open({ stream: 'big_orders' }, 'incremental', 'updated_at')
    await expect(keyless.read({ stream: 'big_orders', pagination: {} })).rejects.toThrow(
      'source.primary_key is required to read table "big_orders" incrementally.',
    )
    await keyless.close?.()
  })

  test('a missing file or table is named in the error', async () => {
    await expect(open({ path: 'nope/none.sqlite' })).rejects.toThrow(
      `Source "sqlite" could not open ${join(dir, 'nope/none.sqlite')}: `,
    )
    const missing = await open({ table: 'nope' })
    await expect(missing.read({ stream: 'orders', pagination: {} })).rejects.toThrow(
      `Source "sqlite" could not read table "nope" in ${join(dir, 'shop.sqlite')}: no such table: nope. Check source.table.`,
    )
    await missing.close?.()
  })

  test('listStreams discovers tables and views', async () => {
    expect(await listStreams({ path: 'shop.sqlite' }, dir)).toEqual({
      big_orders: { incremental: true, description: 'view' },
      orders: { incremental: true, description: 'table' },
    })
  })
})

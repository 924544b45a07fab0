/** The sqlite source passes the source conformance suite (a table, a rowid table and a query). */
import { Database } from 'bun:sqlite'
import { join } from 'node:path'
import decl from '../../../../connectors/sources/sqlite/index.ts'
import { sourceSuite } from '../../../conformance/source.suite.ts'
import { tempDir } from '../../../helpers/tmp.ts'

const path = join(tempDir('bizon-sqlite-src-'), 'in.sqlite')
const db = new Database(path)
db.run('CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT, updated_at TEXT)')
db.run('CREATE TABLE plain (name TEXT, n REAL)')
const insert = db.prepare('INSERT INTO items VALUES (?1, ?2, ?3)')
db.transaction(() => {
  for (let i = 1; i <= 23; i++) {
    insert.run(i, `item ${i}`, `2024-01-0${1 + (i % 4)} 00:00:00`)
    db.run('INSERT INTO plain VALUES (?1, ?2)', [`p${i}`, i / 2])
  }
})()
db.close()

const ids = Array.from({ length: 23 }, (_, i) => String(i + 1))
sourceSuite('sqlite (table)', {
  decl,
  stream: '*',
  config: { path, table: 'items', page_size: 5 },
  expect: { ids },
})
sourceSuite('sqlite (rowid table)', {
  decl,
  stream: '*',
  config: { path, table: 'plain', page_size: 6 },
  expect: { ids },
})
sourceSuite('sqlite (query with primary_key)', {
  decl,
  stream: '*',
  config: { path, query: 'SELECT id, name FROM items WHERE id > 3;', primary_key: 'id', page_size: 4 },
  expect: { ids: ids.slice(3) },
})

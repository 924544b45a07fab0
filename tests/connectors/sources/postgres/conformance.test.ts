/** The postgres source passes the source conformance suite (a table and a query) against the test PostgreSQL. */
import { afterAll, beforeAll } from 'bun:test'
import postgres from 'postgres'
import decl from '../../../../connectors/sources/postgres/index.ts'
import { sourceSuite } from '../../../conformance/source.suite.ts'
import { hasPg, pgUrl } from '../../../helpers/services.ts'

const available = await hasPg()
const schema = `bizon_srcconf_${Math.random().toString(36).slice(2, 10)}`
const sql = postgres(pgUrl(), { max: 1, onnotice: () => {} })
const skip = available ? undefined : 'PostgreSQL is not reachable'

beforeAll(async () => {
  if (!available) return
  await sql.unsafe(`CREATE SCHEMA "${schema}"`)
  await sql.unsafe(`CREATE TABLE "${schema}".items (id int PRIMARY KEY, name text, updated_at timestamptz)`)
  await sql.unsafe(
    `INSERT INTO "${schema}".items SELECT i, 'item ' || i, '2024-01-01'::timestamptz + (i % 4) * interval '1 hour' FROM generate_series(1, 23) i`,
  )
})
afterAll(async () => {
  if (available) await sql.unsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
  await sql.end()
})

const ids = Array.from({ length: 23 }, (_, i) => String(i + 1))

sourceSuite('postgres (table)', {
  decl,
  stream: '*',
  config: { url: pgUrl(), table: `${schema}.items`, page_size: 5 },
  expect: { records: 23, ids },
  skip,
})

sourceSuite('postgres (query with primary_key)', {
  decl,
  stream: '*',
  config: {
    url: pgUrl(),
    query: `SELECT id, name FROM "${schema}".items WHERE id > 3;`,
    primary_key: 'id',
    page_size: 4,
  },
  expect: { records: 20, ids: ids.slice(3) },
  skip,
})

/** The example pipelines of the SQL connectors (postgres and sqlite, sources and destinations) load with the real config loader. */
import { expect, test } from 'bun:test'
import postgresDestination from '../../../../connectors/destinations/postgres/index.ts'
import sqliteDestination from '../../../../connectors/destinations/sqlite/index.ts'
import fileSource from '../../../../connectors/sources/file/index.ts'
import postgresSource from '../../../../connectors/sources/postgres/index.ts'
import sqliteSource from '../../../../connectors/sources/sqlite/index.ts'
import { registry } from '../../../../src/cli/registry.ts'
import { loadPipeline } from '../../../../src/config/load.ts'

// The registry with these connectors in it, whether or not connectors/index.ts lists them yet.
const mine = new Set(['postgres', 'sqlite'])
const withSql = {
  ...registry,
  sources: [
    ...registry.sources.filter((s) => !mine.has(s.name) && s.name !== 'file'),
    postgresSource,
    sqliteSource,
    fileSource,
  ],
  destinations: [
    ...registry.destinations.filter((d) => !mine.has(d.name)),
    postgresDestination,
    sqliteDestination,
  ],
}

process.env.SOURCE_PG_URL ??= 'postgres://reader:secret@db.example:5432/app'
process.env.WAREHOUSE_PG_URL ??= 'postgres://loader:secret@warehouse.example:5432/dw'
process.env.REPORTING_PG_PASSWORD ??= 'secret'
process.env.BIZON_PG_URL ??= 'postgres://loader:secret@warehouse.example:5432/dw'

const examples: [string, string, string, string][] = [
  ['sources', 'postgres', 'postgres-to-postgres-upsert.yml', 'postgres'],
  ['sources', 'postgres', 'query-to-file.yml', 'postgres'],
  ['sources', 'sqlite', 'sqlite-to-file.yml', 'sqlite'],
  ['destinations', 'postgres', 'typed-columns-full-refresh.yml', 'dummy'],
  ['destinations', 'sqlite', 'csv-to-sqlite.yml', 'file'],
]

for (const [kind, connector, name, source] of examples) {
  test(`example ${kind}/${connector}/${name} loads with the real config loader`, async () => {
    const file = new URL(`../../../../connectors/${kind}/${connector}/examples/${name}`, import.meta.url)
      .pathname
    const loaded = await loadPipeline(file, withSql)
    expect(loaded.config.source.name).toBe(source)
    if (kind === 'destinations') expect(loaded.config.destination.name).toBe(connector)
  })
}

/** The postgres destination passes the destination conformance suite against the test PostgreSQL. */
import { afterAll } from 'bun:test'
import postgres from 'postgres'
import decl from '../../../../connectors/destinations/postgres/index.ts'
import { destinationSuite } from '../../../conformance/destination.suite.ts'
import { hasPg, pgUrl } from '../../../helpers/services.ts'

const available = await hasPg()
const schema = `bizon_conf_${Math.random().toString(36).slice(2, 10)}`
const sql = postgres(pgUrl(), { max: 1, onnotice: () => {} })
afterAll(async () => {
  if (available) await sql.unsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
  await sql.end()
})

destinationSuite('postgres', {
  decl,
  config: { url: pgUrl(), schema },
  skip: available ? undefined : 'PostgreSQL is not reachable',
  async readBack(ctx) {
    const found =
      await sql`SELECT to_regclass(${`"${schema}"."${ctx.destinationId}"`}) IS NOT NULL AS present`
    if (!found[0]?.present) return null
    return sql.unsafe(`SELECT source_record_id, source_data FROM "${schema}"."${ctx.destinationId}"`)
  },
})

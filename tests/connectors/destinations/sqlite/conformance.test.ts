/** The sqlite destination passes the destination conformance suite. */
import { Database } from 'bun:sqlite'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import decl from '../../../../connectors/destinations/sqlite/index.ts'
import { destinationSuite } from '../../../conformance/destination.suite.ts'

destinationSuite('sqlite', {
  decl,
  config: { path: 'data/out.sqlite' },
  async readBack(ctx) {
    const file = join(ctx.baseDir, 'data/out.sqlite')
    if (!existsSync(file)) return null
    const db = new Database(file, { readonly: true })
    try {
      const table = db
        .query(`SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?1`)
        .get(ctx.destinationId)
      if (!table) return null
      return db.query(`SELECT source_record_id, source_data FROM "${ctx.destinationId}"`).all() as never
    } finally {
      db.close()
    }
  },
})

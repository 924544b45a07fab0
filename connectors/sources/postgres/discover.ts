/** Stream discovery for the postgres source: the tables and views of a schema. */
import type { StreamInfo } from '../../../src/index.ts'
import type { PostgresConnectionConfig } from '../../shared/sql/config.ts'
import { connect } from '../../shared/sql/postgres-connection.ts'

/** Every table and view of `schema` (default: the first schema of the search path) as a stream. */
export async function listPostgresStreams(
  config: PostgresConnectionConfig & { schema?: string },
): Promise<Record<string, StreamInfo>> {
  const conn = await connect(config, { component: 'Source', name: 'postgres', path: 'source' })
  try {
    const rows = await conn.sql.unsafe(
      `SELECT c.relname::text AS name, c.relkind::text AS kind,
         EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary) AS has_pk
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = coalesce($1::text, current_schema()) AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
       ORDER BY 1`,
      [config.schema ?? null],
    )
    const streams: Record<string, StreamInfo> = {}
    for (const row of rows) {
      const kind = row.kind === 'v' ? 'view' : row.kind === 'm' ? 'materialized view' : 'table'
      streams[row.name] = {
        incremental: true,
        description: `${kind}${row.has_pk ? '' : ' without a primary key (set primary_key for incremental)'}`,
      }
    }
    return streams
  } catch (error) {
    throw conn.fail('list the tables', error, 'Check source.schema.')
  } finally {
    await conn.close()
  }
}

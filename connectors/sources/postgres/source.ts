/** The postgres source: reads a table or a query page by page with keyset pagination. */
import type { Sql } from 'postgres'
import { BizonError, type Pagination, type Source, type SourceContext } from '../../../src/index.ts'
import { type Dialect, pageQuery, type ReadPlan, toPage } from '../../shared/sql/keyset.ts'
import { ident } from '../../shared/sql/names.ts'
import { connect } from '../../shared/sql/postgres-connection.ts'
import { checkColumns, keysetPlan, labelOf, relationOf } from '../../shared/sql/source-plan.ts'
import type { PostgresSourceConfig } from './index.ts'

const dialect: Dialect = { param: (i) => `$${i}`, asKey: (expr) => `(${expr})::text` }
const TIME_TYPES = new Set([1082, 1114, 1184]) // date, timestamp, timestamptz

async function primaryKeyOf(sql: Sql, rel: string): Promise<{ columns: string[]; kind: string }> {
  const rows = await sql.unsafe(
    `SELECT c.relkind::text AS kind,
       (SELECT array_agg(a.attname::text ORDER BY array_position(i.indkey::int2[], a.attnum))
          FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
         WHERE i.indrelid = c.oid AND i.indisprimary) AS columns
     FROM pg_class c WHERE c.oid = $1::regclass`,
    [rel],
  )
  return { columns: rows[0]?.columns ?? [], kind: rows[0]?.kind ?? '' }
}

/** Works out keys, ids and cursor once: checks that the configured columns exist. */
async function planOf(sql: Sql, config: PostgresSourceConfig, ctx: SourceContext): Promise<ReadPlan> {
  const { table, from } = relationOf(config)
  const probe = await sql.unsafe(`SELECT * FROM ${from} AS t LIMIT 0`)
  const types = new Map(probe.columns.map((c) => [c.name, c.type]))
  const { incremental, cursor, pk: configured } = checkColumns(config, ctx, [...types.keys()])
  let pk = configured
  let rowKey: string | undefined
  if (pk.length === 0 && table) {
    const found = await primaryKeyOf(sql, from)
    pk = found.columns
    // Without a primary key, a plain table's physical row id still gives a stable order.
    if (pk.length === 0 && (found.kind === 'r' || found.kind === 'm')) rowKey = 't.ctid'
  }
  const cursorIsTime = cursor !== undefined && TIME_TYPES.has(types.get(cursor) ?? 0)
  return keysetPlan(config, { from, incremental, cursor, pk, rowKey }, cursorIsTime)
}

export async function createPostgresSource(
  config: PostgresSourceConfig,
  ctx: SourceContext,
): Promise<Source> {
  // Two connections: total() must not wait behind the cursor that streams the pages.
  const conn = await connect(config, { component: 'Source', name: 'postgres', path: 'source' }, 2)
  const label = labelOf(config)
  const wrap = (action: string) => (error: unknown) => {
    if (error instanceof BizonError) throw error
    throw conn.fail(`${action} ${label.what}`, error, `Check ${label.key}.`)
  }
  let planned: Promise<ReadPlan> | undefined
  const plan = () => {
    planned ??= planOf(conn.sql, config, ctx).catch((error) => {
      planned = undefined
      return wrap('read')(error)
    })
    return planned
  }
  // One query streamed page by page (see pageQuery); `next` is the pagination it continues from.
  let open: { rows: AsyncIterator<unknown[]>; next: string } | undefined
  const stop = async () => {
    const rows = open?.rows
    open = undefined
    await rows?.return?.()
  }
  return {
    async check() {
      await plan()
      return { ok: true, detail: `connected to ${conn.target}` }
    },
    async total() {
      const p = await plan()
      const rows = await conn.sql
        .unsafe(`SELECT count(*)::int8 AS n FROM ${p.from} AS t`)
        .catch(wrap('count'))
      return Number(rows[0]?.n ?? 0)
    },
    async read({ pagination, incremental }) {
      const p = await plan()
      let current: Pagination = pagination
      if (!p.incremental && p.cursor && !('max' in current)) {
        // Remember the highest cursor before the first page, so the next incremental run starts there.
        const rows = await conn.sql
          .unsafe(`SELECT max(t.${ident(p.cursor)})::text AS max FROM ${p.from} AS t`)
          .catch(wrap('read'))
        current = { ...current, max: rows[0]?.max ?? null }
      }
      // Continue the open cursor when asked for the page it returned last; else (a resume) open one there.
      const asked = JSON.stringify(pagination)
      if (!open || open.next !== asked) {
        await stop()
        const query = pageQuery(dialect, p, current, incremental, false)
        const rows = conn.sql.unsafe(query.text, query.params as never[]).cursor(p.pageSize)
        open = { rows: rows[Symbol.asyncIterator](), next: '' }
      }
      const step = await open.rows.next().catch((error) => {
        open = undefined
        return wrap('read')(error)
      })
      const page = toPage(p, step.done ? [] : (step.value as Record<string, unknown>[]), current, incremental)
      if (step.done || !page.next) await stop()
      else open.next = JSON.stringify(page.next)
      return page
    },
    async close() {
      await stop()
      await conn.close()
    },
  }
}

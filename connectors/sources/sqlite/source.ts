/** The sqlite source: reads a table or a query of a SQLite file page by page with keyset pagination. */
import type { Database, Statement } from 'bun:sqlite'
import {
  BizonError,
  type Pagination,
  type Source,
  type SourceContext,
  type StreamInfo,
} from '../../../src/index.ts'
import { type Dialect, pageQuery, type ReadPlan, toPage } from '../../shared/sql/keyset.ts'
import { ident } from '../../shared/sql/names.ts'
import { checkColumns, keysetPlan, labelOf, relationOf } from '../../shared/sql/source-plan.ts'
import { openSqlite } from '../../shared/sql/sqlite-file.ts'
import type { SqliteSourceConfig } from './index.ts'

// Values keep their SQLite types in pagination JSON: numbers and text compare as they were read.
const dialect: Dialect = { param: (i) => `?${i}`, asKey: (expr) => expr }

type Row = Record<string, unknown>

function planOf(db: Database, config: SqliteSourceConfig, ctx: SourceContext): ReadPlan {
  const { table, from } = relationOf(config)
  const columns = db.query(`SELECT * FROM ${from} AS t LIMIT 0`).columnNames
  const { incremental, cursor, pk: configured } = checkColumns(config, ctx, columns)
  let pk = configured
  let rowKey: string | undefined
  if (pk.length === 0 && table) {
    const info = db
      .query(`SELECT name, pk FROM pragma_table_info(?1) WHERE pk > 0 ORDER BY pk`)
      .all(table) as Row[]
    pk = info.map((c) => String(c.name))
    const kind = db.query(`SELECT type FROM sqlite_schema WHERE name = ?1`).get(table) as Row | null
    // Without a declared key, a plain table still has its rowid.
    if (pk.length === 0 && kind?.type === 'table') rowKey = 't.rowid'
  }
  // The lastRun watermark's text form rarely matches how a file stores its times: read from the start.
  return keysetPlan(config, { from, incremental, cursor, pk, rowKey }, false)
}

export async function createSqliteSource(config: SqliteSourceConfig, ctx: SourceContext): Promise<Source> {
  const file = openSqlite(config.path, ctx.baseDir, {
    component: 'Source',
    key: 'source.path',
    readonly: true,
  })
  const label = labelOf(config)
  const attempt = <T>(action: string, run: () => T): T => {
    try {
      return run()
    } catch (error) {
      if (error instanceof BizonError) throw error
      throw file.fail(`${action} ${label.what} in ${file.path}`, error, `Check ${label.key}.`)
    }
  }
  let planned: ReadPlan | undefined
  const plan = () => {
    planned ??= attempt('read', () => planOf(file.db, config, ctx))
    return planned
  }
  // One statement stepped page by page (see pageQuery); `next` is the pagination it continues from.
  let open: { statement: Statement; rows: Iterator<Row>; next: string } | undefined
  const stop = () => {
    open?.statement.finalize()
    open = undefined
  }
  return {
    async check() {
      plan()
      return { ok: true, detail: file.path }
    },
    async total() {
      const p = plan()
      return attempt('count', () =>
        Number((file.db.query(`SELECT count(*) AS n FROM ${p.from} AS t`).get() as Row).n),
      )
    },
    async read({ pagination, incremental }) {
      const p = plan()
      let current: Pagination = pagination
      if (!p.incremental && p.cursor && !('max' in current)) {
        const max = attempt(
          'read',
          () => file.db.query(`SELECT max(t.${ident(p.cursor!)}) AS max FROM ${p.from} AS t`).get() as Row,
        )
        current = { ...current, max: max.max ?? null }
      }
      // Continue the open statement when asked for the page it returned last; else (a resume) start one there.
      const asked = JSON.stringify(pagination)
      if (!open || open.next !== asked) {
        stop()
        const query = pageQuery(dialect, p, current, incremental, false)
        open = attempt('read', () => {
          const statement = file.db.prepare(query.text)
          return {
            statement,
            rows: statement.iterate(...(query.params as never[])) as Iterator<Row>,
            next: '',
          }
        })
      }
      const stream = open
      const rows: Row[] = []
      const done = attempt('read', () => {
        try {
          while (rows.length < p.pageSize) {
            const step = stream.rows.next()
            if (step.done) return true
            rows.push(step.value)
          }
          return false
        } catch (error) {
          stop()
          throw error
        }
      })
      const page = toPage(p, rows, current, incremental)
      if (done || !page.next) stop()
      else stream.next = JSON.stringify(page.next)
      return page
    },
    async close() {
      stop()
      file.db.close()
    },
  }
}

/** Every table and view of the file (internal sqlite_ tables left out) as a stream. */
export function listSqliteStreams(path: string, baseDir: string): Record<string, StreamInfo> {
  const file = openSqlite(path, baseDir, { component: 'Source', key: 'source.path', readonly: true })
  try {
    const rows = file.db
      .query(
        `SELECT name, type FROM sqlite_schema WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%' ORDER BY name`,
      )
      .all() as Row[]
    return Object.fromEntries(
      rows.map((r) => [String(r.name), { incremental: true, description: String(r.type) }]),
    )
  } finally {
    file.db.close()
  }
}

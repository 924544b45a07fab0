/** Quoting of SQL names shared by the SQL connectors (postgres, sqlite); no driver import. */

/** Quotes one identifier (`"a""b"`). */
export function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`
}

/** Quotes `schema.table` (or `table`) as a relation name. */
export function relation(name: string, schema?: string): string {
  const dot = name.indexOf('.')
  if (schema === undefined && dot > 0) return `${ident(name.slice(0, dot))}.${ident(name.slice(dot + 1))}`
  return schema ? `${ident(schema)}.${ident(name)}` : ident(name)
}

/** A query as a subquery: trailing semicolons would end the outer statement. */
export function subquery(query: string): string {
  return `(${query.trim().replace(/;+\s*$/, '')})`
}

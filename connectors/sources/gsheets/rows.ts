/** Sheet rows to records as gspread's `get_all_records` builds them: header keys, numbers, blanks. */
import { BizonError } from '../../../src/errors.ts'

type Cell = string | number

/** Upstream's SQL-ish names: `_` before every inner capital, lower case, spaces to `_` (`First Name` → `first__name`). */
export function sqlName(name: string): string {
  return name
    .replace(/(?<!^)(?=[A-Z])/g, '_')
    .toLowerCase()
    .replaceAll(' ', '_')
}

const INT = /^\s*[+-]?\d+\s*$/
const FLOAT = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/

/** gspread's numericise: what Python's int() or float() reads becomes a number; the rest stays text. */
export function numericise(value: string): Cell {
  if (INT.test(value)) {
    const n = Number(value)
    return Number.isSafeInteger(n) ? n : value
  }
  return FLOAT.test(value) ? Number(value) : value
}

export function duplicates(names: string[]): string[] {
  const seen = new Set<string>()
  return [...new Set(names.filter((name) => seen.has(name) || !seen.add(name)))]
}

/** The header names the records keep, after checking them as upstream does. */
export function selectColumns(header: string[], wanted: string[]): string[] {
  const names = wanted.length > 0 ? wanted : header
  const dup = duplicates(names)
  if (dup.length > 0)
    throw new BizonError(
      'source',
      `Source "gsheets" could not read the worksheet: column names are not unique: ${dup.map((n) => `"${n}"`).join(', ')} (columns: ${names.map((n) => `"${n}"`).join(', ')}). ` +
        'Rename the duplicated columns in the sheet, or list the ones to keep in source.column_names.',
    )
  const missing = wanted.filter((name) => !header.includes(name))
  if (missing.length > 0)
    throw new BizonError(
      'source',
      `Source "gsheets" could not read the worksheet: column ${missing.map((n) => `"${n}"`).join(', ')} not found in the header row (${header.map((n) => `"${n}"`).join(', ')}). Check source.column_names.`,
    )
  return names
}

/** A sheet row: its number and its cells. */
export interface SheetRow {
  row: number
  cells: unknown[]
}

/** The non-empty rows of a `values` answer whose first row is sheet row `firstRow`. */
export function sheetRows(values: unknown[][], firstRow: number): SheetRow[] {
  return values
    .map((cells, i) => ({ row: firstRow + i, cells: Array.isArray(cells) ? cells : [] }))
    .filter(({ cells }) => cells.some((cell) => cell !== '' && cell !== null && cell !== undefined))
}

/** One record per row, keyed by the selected columns; the id is the sheet row number. */
export function toRecords(
  header: string[],
  columns: string[],
  rows: SheetRow[],
  sqlNames: boolean,
): { id: number; data: Record<string, Cell> }[] {
  const keys = columns.map((name) => ({ index: header.indexOf(name), key: sqlNames ? sqlName(name) : name }))
  return rows.map(({ row, cells }) => {
    const data: Record<string, Cell> = {}
    for (const { index, key } of keys) {
      const cell = cells[index]
      data[key] =
        cell === undefined || cell === null ? '' : typeof cell === 'number' ? cell : numericise(String(cell))
    }
    return { id: row, data }
  })
}

/** A cursor cell as a time: ISO-like text without an offset is read as UTC; unreadable cells are undefined. */
export function cellTime(cell: unknown): Date | undefined {
  if (cell === undefined || cell === null || cell === '') return undefined
  const text = String(cell).trim()
  const isoNoZone = /^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?$/.test(text)
  const ms = Date.parse(
    isoNoZone ? `${text.replace(' ', 'T')}${text.length > 10 ? 'Z' : 'T00:00:00Z'}` : text,
  )
  return Number.isNaN(ms) ? undefined : new Date(ms)
}

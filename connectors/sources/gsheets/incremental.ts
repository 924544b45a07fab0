/** Incremental reads of a worksheet: rows whose `cursor_field` cell is later than the last run's highest. */
import { BizonError } from '../../../src/errors.ts'
import type { IncrementalInfo } from '../../../src/index.ts'
import { cellTime, type SheetRow, sqlName } from './rows.ts'

/** Kept with the job: the highest cursor cell seen, as written in the sheet. */
export interface CursorState {
  field: string
  value: string
}

/** Column of `field` in the header, by its sheet name or its SQL-style name. */
export function cursorColumn(header: string[], field: string): number {
  const index = header.findIndex((name) => name === field || sqlName(name) === field)
  if (index < 0)
    throw new BizonError(
      'source',
      `Source "gsheets" could not read the worksheet incrementally: cursor_field "${field}" is not in the header row (${header.map((n) => `"${n}"`).join(', ')}). Check source.cursor_field.`,
    )
  return index
}

/**
 * The rows to hand on and the highest cursor cell so far. On the first run every row is kept; later
 * runs keep rows later than the previous run's highest cell (or, without one, its start time), and
 * skip rows whose cursor cell is empty or not a time.
 */
export function newerRows(
  rows: SheetRow[],
  column: number,
  incremental: IncrementalInfo | undefined,
  seenSoFar: string | undefined,
): { rows: SheetRow[]; seen: string | undefined } {
  const previous = (incremental?.state as CursorState | undefined)?.value
  const since = incremental ? (cellTime(previous) ?? incremental.lastRun) : undefined
  let seen = seenSoFar ?? previous
  const kept = rows.filter(({ cells }) => {
    const at = cellTime(cells[column])
    if (at) {
      const best = cellTime(seen)
      if (!best || at > best) seen = String(cells[column]).trim()
    }
    return since === undefined || (at !== undefined && at > since)
  })
  return { rows: kept, seen }
}

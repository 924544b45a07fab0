/** The worksheet the gsheets tests read, and the records it must give. */
import type { SheetData } from '../../../helpers/fake-apis/gsheets.ts'

const header = ['Name', 'FirstName', 'Age', 'Score', 'Notes']

/** 24 data rows on sheet rows 2..26, row 10 left empty; the grid has 40 rows. */
export function peopleSheet(title = 'People'): SheetData {
  const values: string[][] = [header]
  for (let i = 0; i < 25; i++) {
    if (i === 8) values.push([])
    else
      values.push([
        `Doe ${i}`,
        `Jo ${i}`,
        String(20 + i),
        i % 2 ? '1,000' : `${i}.5`,
        ...(i % 3 ? [] : ['note']),
      ])
  }
  return { title, rowCount: 40, values }
}

/** Sheet row numbers of the records: every data row but the empty one. */
export const peopleIds = Array.from({ length: 25 }, (_, i) => i + 2).filter((row) => row !== 10)

export const firstRecord = { name: 'Doe 0', first_name: 'Jo 0', age: 20, score: 0.5, notes: 'note' }

/** `n` orders, order i updated at 2024-01-01 00:00 + i hours (as Sheets displays a date time). */
export function ordersSheet(n: number, title = 'Orders'): SheetData {
  const at = (i: number) =>
    new Date(Date.UTC(2024, 0, 1) + i * 3_600_000).toISOString().slice(0, 19).replace('T', ' ')
  const values = [['OrderId', 'UpdatedAt', 'Amount']]
  for (let i = 1; i <= n; i++) values.push([`o-${i}`, at(i), String(i * 10)])
  return { title, rowCount: n + 1, values }
}

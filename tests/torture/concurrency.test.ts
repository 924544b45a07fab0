/** The fast slice of the concurrency campaign: two runs of one pipeline, one refuses naming the holder. */
import { afterAll, expect, setDefaultTimeout, test } from 'bun:test'
import { twoRuns } from '../../torture/concurrency.ts'
import { cleanTempDirs, leaks } from '../../torture/lib.ts'

setDefaultTimeout(60_000)
afterAll(cleanTempDirs)

test('two runs of the same pipeline started together: one runs, the other exits 1 naming the holder', async () => {
  const row = await twoRuns()
  expect(row.note).toMatch(/^refused: ".*already running: process \d+ on host/)
  expect(row.ok).toBe(true)
  expect(row.lost).toBe(0)
  expect(leaks).toEqual([])
})

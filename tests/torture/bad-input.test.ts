/** The fast slice of the bad-input campaign: 50 seeded cases of the corpus get a clean, located error. */
import { afterAll, expect, setDefaultTimeout, test } from 'bun:test'
import { corpus, runCases } from '../../torture/bad-input.ts'
import { cleanTempDirs, leaks, Rng } from '../../torture/lib.ts'
import { KNOWN_DEFECTS } from './known-defects.ts'

setDefaultTimeout(90_000)
afterAll(cleanTempDirs)

test('the corpus holds at least 200 broken inputs', () => {
  expect(corpus().length).toBeGreaterThanOrEqual(200)
})

test('50 bad inputs: exit 2 (config) or 1 (data), where and what named, no stack trace, nothing written, no hang', async () => {
  const rng = new Rng(5)
  // Cases of a defect still open live in defects.test.ts as failing tests.
  const pool = corpus().filter((c) => !KNOWN_DEFECTS.has(c.id) && !c.id.startsWith('data-huge'))
  const sample = rng.shuffle(pool).slice(0, 50)
  const results = await runCases(sample, 2, () => {})
  const failures = results.filter((r) => !r.ok).map((r) => `${r.id}: ${r.problems.join('; ')}`)
  expect(failures).toEqual([])
  expect(results.length).toBe(50)
  expect(leaks).toEqual([])
})

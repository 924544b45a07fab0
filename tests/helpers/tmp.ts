/** Fresh temporary folders for tests, removed when the scope that made them ends. */
import { afterAll } from 'bun:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/**
 * Makes a new empty folder under the OS temp dir. It is removed by an afterAll of the scope that
 * called tempDir: the test file at top level, the describe block inside one, the test inside a test.
 * BIZON_TEST_KEEP_TMP=1 keeps it (its path is printed) to look at after a failure.
 */
export function tempDir(prefix = 'bizon-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  afterAll(() => {
    if (process.env.BIZON_TEST_KEEP_TMP) console.warn(`kept ${dir}`)
    else rmSync(dir, { recursive: true, force: true })
  })
  return dir
}

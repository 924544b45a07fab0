/** `check()` of an API source: one cheap request; its (already secret-free) error message is the detail. */
import type { CheckResult } from '../plugin/types.ts'

export async function probe(request: () => Promise<unknown>): Promise<CheckResult> {
  try {
    await request()
    return { ok: true }
  } catch (error) {
    return { ok: false, detail: error instanceof Error ? error.message : String(error) }
  }
}

/** `js` transforms: each compiled once per run into a function of `data` (DESIGN "Transforms"). */
import { BizonError, messageOf } from '../errors.ts'

export type TransformFn = (data: Record<string, unknown>) => Record<string, unknown> | null

export interface CompiledTransform {
  label: string
  fn: TransformFn
}

/** Reports which transform runs, for the time limit (see watchdog.ts). */
export interface TransformTracker {
  at(index: number): void
}

/** The body sees `data`; it may mutate it, reassign it, or return a new object; `null` drops the record. */
export function compileTransforms(transforms: { label: string; js: string }[]): CompiledTransform[] {
  return transforms.map(({ label, js }) => {
    // `return data` is appended: a body's own `return` wins, else the (possibly reassigned) `data`.
    const body = new Function('data', `${js}\n;return data`) as (data: unknown) => unknown
    const fn: TransformFn = (data) => {
      const result = body(data)
      return result === undefined ? data : (result as Record<string, unknown> | null)
    }
    return { label, fn }
  })
}

/** Applies every transform to one record; throws a transform error naming the label and record. */
export function applyTransforms(
  transforms: CompiledTransform[],
  data: Record<string, unknown>,
  recordId: string,
  tracker?: TransformTracker,
): Record<string, unknown> | null {
  let current: Record<string, unknown> | null = data
  for (let index = 0; index < transforms.length; index++) {
    const { label, fn } = transforms[index]!
    tracker?.at(index)
    try {
      current = fn(current!)
    } catch (error) {
      throw new BizonError(
        'transform',
        `Transform "${label}" failed on record ${recordId}: ${messageOf(error)}`,
        {
          hint: 'Fix the transform code (transforms[].js).',
          cause: error,
        },
      )
    }
    if (current === null) return null
    if (typeof current !== 'object' || Array.isArray(current))
      throw new BizonError(
        'transform',
        `Transform "${label}" returned ${Array.isArray(current) ? 'a list' : typeof current} for record ${recordId}; expected an object or null.`,
        {
          hint: 'Return `data` (or a new object), or null to drop the record.',
        },
      )
  }
  return current
}

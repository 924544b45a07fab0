/** Dot paths into parsed JSON (`data.items`, `meta.next_cursor`, `results.0.id`); `''` is the value itself. */

export function getPath(value: unknown, path: string): unknown {
  if (path === '') return value
  let current: unknown = value
  for (const key of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined
    current = (current as Record<string, unknown>)[key]
  }
  return current
}

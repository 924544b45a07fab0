/** NATS subject patterns: `*` matches one token, `>` one or more trailing tokens. */

export function subjectMatches(pattern: string, subject: string): boolean {
  const p = pattern.split('.')
  const s = subject.split('.')
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '>') return s.length > i
    if (i >= s.length) return false
    if (p[i] !== '*' && p[i] !== s[i]) return false
  }
  return p.length === s.length
}

/** The destination id of the first matching route, cached per subject. */
export function createRouter(
  routes: Record<string, string> | undefined,
): (subject: string) => string | undefined {
  const entries = Object.entries(routes ?? {})
  const cache = new Map<string, string | undefined>()
  return (subject) => {
    if (entries.length === 0) return undefined
    if (cache.has(subject)) return cache.get(subject)
    const found = entries.find(([pattern]) => subjectMatches(pattern, subject))?.[1]
    if (cache.size < 10_000) cache.set(subject, found)
    return found
  }
}

/** A durable consumer name for one subject filter. */
export const consumerFor = (base: string, subject: string): string =>
  `${base}_${subject
    .replace(/\*/g, 'star')
    .replace(/>/g, 'all')
    .replace(/[^A-Za-z0-9_-]/g, '_')}`

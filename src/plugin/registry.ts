/** Plugin lookups by name, with did-you-mean suggestions. */
import type { BackendDeclaration } from '../backends/types.ts'
import type { QueueDeclaration } from '../queues/types.ts'
import type { DestinationDeclaration, SourceDeclaration } from './types.ts'

export interface Registry {
  sources: SourceDeclaration[]
  destinations: DestinationDeclaration[]
  queues: QueueDeclaration[]
  backends: BackendDeclaration[]
}

export function findByName<T extends { name: string; aliases?: string[] }>(
  list: T[],
  name: string,
): T | undefined {
  return list.find((item) => item.name === name || item.aliases?.includes(name))
}

/** The closest candidate within a small edit distance, if any. */
export function didYouMean(input: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined
  let bestDistance = Number.POSITIVE_INFINITY
  for (const candidate of candidates) {
    const distance = editDistance(input.toLowerCase(), candidate.toLowerCase())
    if (distance < bestDistance) {
      best = candidate
      bestDistance = distance
    }
  }
  const limit = Math.max(1, Math.floor((best?.length ?? 0) / 3))
  return best !== undefined && bestDistance <= limit ? best : undefined
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!
    row[0] = i
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1))
      previous = current
    }
  }
  return row[b.length]!
}

/** A local GBIF v1 occurrence search: `GET /v1/occurrence/search?limit&offset` with GBIF's paging limits. */
import { type FakeServer, json, serveFake } from './server.ts'

export interface FakeGbif extends FakeServer {
  /** Value for `source.base_url`. */
  baseUrl: string
  occurrences: Record<string, unknown>[]
}

export function makeOccurrences(n: number): Record<string, unknown>[] {
  return Array.from({ length: n }, (_, i) => {
    const record: Record<string, unknown> = {
      key: 4_000_000_000 + i,
      gbifID: String(4_000_000_000 + i),
      scientificName: i % 2 ? 'Bison bonasus (Linnaeus, 1758)' : 'Vulpes vulpes (Linnaeus, 1758)',
      country: i % 3 ? 'Denmark' : 'Poland',
      countryCode: i % 3 ? 'DK' : 'PL',
      eventDate: `2024-0${(i % 9) + 1}-1${i % 10}T00:00:00`,
      basisOfRecord: 'HUMAN_OBSERVATION',
    }
    // A few records as older datasets serve them: no `key`, only `gbifID` (or nothing).
    if (i === 3) delete record['key']
    if (i === 4) {
      delete record['key']
      delete record['gbifID']
    }
    return record
  })
}

export function startFakeGbif(options: { records?: number; maxOffset?: number } = {}): FakeGbif {
  const occurrences = makeOccurrences(options.records ?? 57)
  const maxOffset = options.maxOffset ?? 100_000
  const server = serveFake((req, url) => {
    if (req.method !== 'GET' || url.pathname !== '/v1/occurrence/search')
      return json({ error: 'Not found' }, { status: 404 })
    const offset = Number(url.searchParams.get('offset') ?? 0)
    const limit = Math.min(Number(url.searchParams.get('limit') ?? 20), 300) // GBIF caps silently
    if (offset + limit > maxOffset + 1)
      return new Response(`Max offset of ${maxOffset + 1} exceeded: ${offset} + ${limit}`, { status: 400 })
    const country = url.searchParams.get('country')
    const list = country ? occurrences.filter((o) => o['countryCode'] === country) : occurrences
    return json({
      offset,
      limit,
      endOfRecords: offset + limit >= list.length,
      count: list.length,
      results: list.slice(offset, offset + limit),
      facets: [],
    })
  })
  return { ...server, baseUrl: `${server.origin}/v1`, occurrences }
}

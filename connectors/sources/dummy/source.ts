/** The dummy source's fake cursor-driven API (reference §9.5). */
import type { Page, ReadRequest, Source, SourceContext } from '../../../src/index.ts'
import { BizonError, sleep } from '../../../src/index.ts'
import type { DummyConfig } from './index.ts'

type Item = { id: number; name: string; age: number }

const FIRST_NEXT = 'vfvfvuhfefpeiduzhihxb'
const FINAL = 'final-cursor'

/** Each stream's three pages, in order; ids and ages are shared between streams. */
const PAGES: Record<string, [string, string, string, string, string]> = {
  creatures: ['bizon', 'croco', 'froggy', 'turtle', 'poulpo'],
  plants: ['tree', 'flower', 'cactus', 'bamboo', 'rose'],
}
const IDS = [9898, 88787, 98, 3333, 56565]
const AGES = [26, 23, 26, 23, 26]

function items(stream: string, from: number, to: number): Item[] {
  const names = PAGES[stream]
  if (!names)
    throw new BizonError(
      'source',
      `Source "dummy" could not read stream "${stream}": no such stream. Use creatures or plants.`,
    )
  const out: Item[] = []
  for (let i = from; i < to; i++) out.push({ id: IDS[i]!, name: names[i]!, age: AGES[i]! })
  return out
}

/** The fake API call: what the remote would answer for a cursor. */
function fakeCall(stream: string, cursor: string | undefined): { items: Item[]; next: string } {
  if (!cursor) return { items: items(stream, 0, 2), next: FIRST_NEXT }
  if (cursor === FINAL) return { items: items(stream, 4, 5), next: '' }
  return { items: items(stream, 2, 4), next: FINAL }
}

export function createDummySource(config: DummyConfig, ctx: SourceContext): Source {
  const sleepMs = (config.sleep ?? 0) * 1000
  return {
    async check() {
      return { ok: true }
    },
    async total() {
      return 5
    },
    async read({ stream, pagination }: ReadRequest): Promise<Page> {
      await sleep(sleepMs, ctx.signal)
      const cursor = typeof pagination.cursor === 'string' ? pagination.cursor : undefined
      const answer = fakeCall(stream, cursor)
      const routed = ctx.syncMode === 'stream'
      const records = answer.items.map((item) => ({
        id: item.id,
        data: item,
        destinationId: routed ? (answer.next === FINAL ? 'routed' : stream) : undefined,
      }))
      return { records, next: answer.next ? { cursor: answer.next } : {} }
    },
  }
}

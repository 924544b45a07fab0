/**
 * Raw in-process handoff: pages of `--page` records through a bounded async channel (capacity 16,
 * the memory queue's default), producer and consumer as two async loops. Informational: the floor
 * of the engine's per-page overhead, far above any pipeline's rate.
 * Usage: bun bench/raw/queue.ts --records N --page 1000
 */
import { numberArg, report } from './common.ts'

const records = numberArg('records', 1_000_000)
const page = numberArg('page', 1000)
const capacity = 16

const items: unknown[][] = []
let waitingTaker: ((v: unknown[]) => void) | null = null
let waitingSpace: (() => void) | null = null

async function put(batch: unknown[]): Promise<void> {
  while (items.length >= capacity) await new Promise<void>((r) => (waitingSpace = r))
  if (waitingTaker) {
    const take = waitingTaker
    waitingTaker = null
    take(batch)
  } else items.push(batch)
}

function get(): Promise<unknown[]> {
  const batch = items.shift()
  if (batch) {
    const wake = waitingSpace
    waitingSpace = null
    wake?.()
    return Promise.resolve(batch)
  }
  return new Promise((r) => (waitingTaker = r))
}

const payload = new Array(page).fill(0)
const started = performance.now()
const consumer = (async () => {
  let seen = 0
  // An empty page is the end marker.
  for (let b = await get(); b.length > 0; b = await get()) seen += b.length
  return seen
})()
for (let i = 0; i < records; i += page) await put(payload)
await put([])
const seen = await consumer
if (seen !== Math.ceil(records / page) * page) throw new Error(`lost records: ${seen}`)
report({
  primitive: 'queue',
  records,
  pages: Math.ceil(records / page),
  seconds: (performance.now() - started) / 1000,
})

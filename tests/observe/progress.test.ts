import { describe, expect, test } from 'bun:test'
import type { Job } from '../../src/backends/types.ts'
import { createLogger } from '../../src/observe/log.ts'
import { createProgress, formatDuration } from '../../src/observe/progress.ts'
import type { RunInfo } from '../../src/observe/types.ts'

const job = { id: 'j1', status: 'running' } as Job
const info = (total: number | null, resumedRecords = 0): RunInfo => ({
  pipeline: 'orders',
  source: 'shop',
  stream: 'items',
  destination: 'file',
  syncMode: 'full_refresh',
  total,
  resumedRecords,
  redactedConfig: {},
})
const sink = (isTTY: boolean) => {
  const out = { text: '', isTTY, write: (chunk: string) => (out.text += chunk) }
  return out
}

describe('progress', () => {
  test('renders records, rate, percentage and ETA when the total is known', () => {
    let now = 0
    const out = sink(true)
    const progress = createProgress({ stream: out, logger: createLogger({ stream: out }), now: () => now })
    progress.jobStarted(job, info(10_000, 1_000))
    progress.pageRead({ iteration: 0, records: 3000, bytes: 0, ms: 1 })
    now = 2000
    progress.batchWritten({
      fromIteration: 0,
      toIteration: 0,
      records: 2000,
      bytes: 0,
      ms: 5,
      destinationId: 'x',
    })
    const line = progress.render()
    progress.stop()
    // 3,000 of 10,000 done at 1,000 rec/s -> 7 s left
    expect(line).toBe(
      'orders (shop.items): 3,000 records written · 3,000 read · 1,000 rec/s · 30% of 10,000 · ETA 7s · elapsed 2s',
    )
  })

  test('without a total there is no percentage nor ETA', () => {
    let now = 0
    const out = sink(true)
    const progress = createProgress({ stream: out, logger: createLogger({ stream: out }), now: () => now })
    progress.jobStarted(job, info(null))
    now = 500
    progress.batchWritten({
      fromIteration: 0,
      toIteration: 0,
      records: 50,
      bytes: 0,
      ms: 5,
      destinationId: 'x',
    })
    expect(progress.render()).not.toContain('%')
    expect(progress.render()).not.toContain('ETA')
    progress.stop()
  })

  test('on a terminal: one line redrawn in place, cleared at the end, log lines do not collide', async () => {
    const out = sink(true)
    const logger = createLogger({ stream: out, color: false })
    const progress = createProgress({ stream: out, isTTY: true, logger, intervalMs: 20 })
    progress.jobStarted(job, info(100))
    progress.batchWritten({
      fromIteration: 0,
      toIteration: 0,
      records: 40,
      bytes: 0,
      ms: 5,
      destinationId: 'x',
    })
    await Bun.sleep(70)
    logger.info('a log line')
    await Bun.sleep(30)
    progress.jobEnded({ status: 'succeeded', job })
    const redraws = out.text.split('\r\x1b[2K').filter((s) => s.includes('40 records written'))
    expect(redraws.length).toBeGreaterThanOrEqual(2)
    expect(out.text).not.toContain('\n40 records')
    // the log line starts on a cleared line and the output ends with the line cleared
    expect(out.text).toMatch(/\r\x1b\[2K\d\d:\d\d:\d\d INFO {4}a log line\n/)
    expect(out.text.endsWith('\r\x1b[2K')).toBe(true)
    const length = out.text.length
    await Bun.sleep(50)
    expect(out.text.length).toBe(length)
  })

  test('the live line never wraps a narrow terminal', async () => {
    const out = { text: '', isTTY: true, columns: 40, write: (chunk: string) => (out.text += chunk) }
    const progress = createProgress({ stream: out, logger: createLogger({ stream: out }), intervalMs: 10 })
    progress.jobStarted(job, info(1000))
    await Bun.sleep(40)
    progress.stop()
    const drawn = out.text.split('\r\x1b[2K').filter(Boolean)
    expect(drawn.length).toBeGreaterThan(0)
    for (const line of drawn) expect(line.length).toBeLessThanOrEqual(39)
  })

  test('off a terminal: a log line every interval', async () => {
    const out = sink(false)
    const progress = createProgress({
      stream: out,
      isTTY: false,
      logger: createLogger({ stream: out, color: false }),
      intervalMs: 30,
    })
    progress.jobStarted(job, info(null))
    progress.batchWritten({
      fromIteration: 0,
      toIteration: 0,
      records: 7,
      bytes: 0,
      ms: 5,
      destinationId: 'x',
    })
    await Bun.sleep(100)
    progress.stop()
    const lines = out.text.trim().split('\n')
    expect(lines.length).toBeGreaterThanOrEqual(2)
    expect(lines[0]).toMatch(
      /INFO {4}Progress: orders \(shop\.items\): 7 records written · 0 read · \d+ rec\/s · elapsed 0s$/,
    )
    expect(out.text).not.toContain('\r')
  })

  test('formatDuration', () => {
    expect([formatDuration(4.4), formatDuration(125), formatDuration(3720)]).toEqual(['4s', '2m05s', '1h02m'])
  })
})

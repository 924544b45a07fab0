/** The synthetic generator: cheap deterministic records, `{offset}` pagination, incremental by time. */

import type {
  IncrementalInfo,
  Page,
  ReadRequest,
  Source,
  SourceContext,
  SourceRecord,
} from '../../../src/index.ts'
import { BizonError, sleep } from '../../../src/index.ts'
import type { SyntheticConfig } from './index.ts'

const NAMES = ['axolotl', 'badger', 'capybara', 'dingo', 'echidna', 'fennec', 'gecko', 'hedgehog']
const MILLIS = Array.from({ length: 1000 }, (_, ms) => String(ms).padStart(3, '0'))

/** ISO strings for consecutive milliseconds: one Date.toISOString per second, not per record. */
class IsoClock {
  private second = Number.NaN
  private prefix = ''

  format(ms: number): string {
    const second = Math.floor(ms / 1000)
    if (second !== this.second) {
      this.second = second
      this.prefix = new Date(second * 1000).toISOString().slice(0, -4)
    }
    return `${this.prefix}${MILLIS[ms - second * 1000]}Z`
  }
}

/** The watermark of an incremental run in epoch ms: the stored state first, else the last run. */
function watermarkOf(incremental: IncrementalInfo | undefined): number | undefined {
  if (!incremental) return undefined
  const state = incremental.state as { max_updated_at?: unknown } | null | undefined
  if (typeof state?.max_updated_at === 'string') {
    const ms = Date.parse(state.max_updated_at)
    if (!Number.isNaN(ms)) return ms
  }
  return incremental.lastRun.getTime()
}

export function createSyntheticSource(config: SyntheticConfig, ctx: SourceContext): Source {
  const count = config.records
  const pageSize = config.page_size
  const seed = config.seed
  const base = Date.parse(config.start_time)
  const clock = new IsoClock()
  // One filler string for every record, sized so the JSON of a record is about record_bytes.
  const probe = {
    id: Math.max(0, count - 1),
    name: 'hedgehog',
    score: 999.99,
    updated_at: clock.format(base),
    filler: '',
  }
  const filler = 'x'.repeat(Math.max(0, config.record_bytes - JSON.stringify(probe).length))

  /** Index of the first record after the watermark (all of them when there is none). */
  const firstIndex = (incremental: IncrementalInfo | undefined): number => {
    const mark = watermarkOf(incremental)
    if (mark === undefined || mark < base) return 0
    return Math.min(count, Math.floor(mark - base) + 1)
  }

  return {
    async check() {
      return { ok: true }
    },
    /** Records this run returns. Incremental runs need the request's `incremental` to know it. */
    async total(request?: Pick<ReadRequest, 'incremental'>) {
      return count - firstIndex(request?.incremental)
    },
    async read({ pagination, incremental }: ReadRequest): Promise<Page> {
      const first = firstIndex(incremental)
      const offset = typeof pagination.offset === 'number' ? pagination.offset : first
      const pageIndex = Math.floor((offset - first) / pageSize)
      if (config.fail_at_page !== undefined && pageIndex === config.fail_at_page) {
        throw new BizonError(
          'source',
          `Source "synthetic" could not read page ${pageIndex}: fail_at_page is ${pageIndex} (a deliberate failure). Remove fail_at_page to read every page.`,
        )
      }
      await sleep(config.sleep_ms, ctx.signal)
      const end = Math.min(count, offset + pageSize)
      const records: SourceRecord[] = new Array(Math.max(0, end - offset))
      for (let i = offset; i < end; i++) {
        const ms = base + i
        records[i - offset] = {
          id: i,
          data: {
            id: i,
            name: NAMES[(i + seed) & 7],
            score: ((i * 7919 + seed * 104729) % 100000) / 100,
            updated_at: clock.format(ms),
            filler,
          },
          timestamp: new Date(ms),
        }
      }
      const mark = end > offset ? base + end - 1 : watermarkOf(incremental)
      return {
        records,
        next: end < count ? { offset: end } : {},
        state: mark === undefined ? undefined : { max_updated_at: new Date(mark).toISOString() },
      }
    },
  }
}

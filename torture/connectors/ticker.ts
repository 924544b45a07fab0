/** `ticker`: a custom source for the stream-mode kill trials: ids 0..records-1, `{offset}` pagination. */
import { defineSource, v } from 'bizon'

const Count = v.pipe(v.number(), v.integer(), v.minValue(0))

export default defineSource({
  name: 'ticker',
  summary: 'Deterministic numbered records, readable in stream mode (torture tests).',
  streams: { ticks: { stream: true, incremental: true } },
  config: v.object({
    records: v.pipe(v.optional(Count, 100), v.description('How many records (ids 0..records-1).')),
    page_size: v.pipe(v.optional(Count, 10), v.description('Records per page.')),
    sleep_ms: v.pipe(v.optional(Count, 0), v.description('Pause before each page, in milliseconds.')),
  }),
  create(config) {
    return {
      async total() {
        return config.records
      },
      async read({ pagination }) {
        const offset = Number(pagination.offset ?? 0)
        if (config.sleep_ms) await Bun.sleep(config.sleep_ms)
        const end = Math.min(config.records, offset + config.page_size)
        const records = []
        for (let i = offset; i < end; i++) records.push({ id: i, data: { id: i, tick: `t${i}` } })
        return { records, next: end < config.records ? { offset: end } : null }
      },
    }
  },
})

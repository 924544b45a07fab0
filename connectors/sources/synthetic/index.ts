/** `synthetic`: a fast deterministic record generator for benchmarks and failure tests. */
import { defineSource, v } from '../../../src/index.ts'

const Count = v.pipe(v.number(), v.integer(), v.minValue(0))

export const SyntheticConfig = v.object({
  records: v.pipe(
    v.optional(Count, 1000),
    v.description('How many records the stream holds (ids 0..records-1).'),
  ),
  record_bytes: v.pipe(
    v.optional(Count, 200),
    v.description('Approximate size in bytes of each record as JSON (a filler field pads it).'),
  ),
  page_size: v.pipe(
    v.optional(v.pipe(v.number(), v.integer(), v.minValue(1)), 1000),
    v.description('Records per page (one page = one queue message).'),
  ),
  sleep_ms: v.pipe(v.optional(Count, 0), v.description('Pause before each page, in milliseconds.')),
  fail_at_page: v.pipe(
    v.optional(Count),
    v.description(
      'Fail with an error when asked for this page (0-based index within the run); for failure tests.',
    ),
  ),
  seed: v.pipe(
    v.optional(v.number(), 1),
    v.description('Seed of the generated values: same seed, same data.'),
  ),
  start_time: v.pipe(
    v.optional(v.pipe(v.string(), v.isoTimestamp()), '2024-01-01T00:00:00Z'),
    v.description('ISO time of record 0; record i has `updated_at` = start_time + i milliseconds.'),
  ),
})
export type SyntheticConfig = v.InferOutput<typeof SyntheticConfig>

export default defineSource({
  name: 'synthetic',
  summary: 'Generates N deterministic records of a chosen size, fast; for benchmarks and tests.',
  streams: {
    records: { incremental: true, description: 'Records {id, name, score, updated_at, filler}.' },
  },
  config: SyntheticConfig,
  docs: [
    'Record `i` has id `i`, `updated_at` = `start_time` + `i` ms, and that date as its timestamp.',
    'Incremental runs return the records whose `updated_at` is after the stored state',
    '`max_updated_at` (or after the previous run when there is no state): grow `records` between',
    'runs to make new records appear, or move `start_time` later to make every record change.',
    'Pagination is `{offset: N}` (absolute record index).',
  ].join('\n'),
  async create(config, ctx) {
    const { createSyntheticSource } = await import('./source.ts')
    return createSyntheticSource(config, ctx)
  },
})

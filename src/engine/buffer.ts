/** The destination buffer (reference §8.2): pages accumulate until `buffer_size` MB or `buffer_flush_timeout` s. */
import type { DestinationRecord, Pagination } from '../plugin/types.ts'

export interface BufferedRange {
  batches: DestinationRecord[][]
  records: number
  bytes: number
  fromIteration: number
  toIteration: number
  /** Pagination after `toIteration` (null: the source is exhausted). */
  pagination: Pagination | null
  /** Newest incremental state among the pages, if any. */
  state: unknown
}

export class DestinationBuffer {
  private range: BufferedRange | null = null
  private startedAt = 0

  constructor(
    /** Capacity in bytes; 0 = write every page at once. */
    readonly capacity: number,
    /** Age in ms after which the buffer is flushed; 0 = never by age. */
    readonly maxAgeMs: number,
  ) {}

  get bytes(): number {
    return this.range?.bytes ?? 0
  }
  get records(): number {
    return this.range?.records ?? 0
  }
  /** Pages (even empty ones) not yet covered by a destination cursor. */
  get pending(): boolean {
    return this.range !== null
  }

  /** Would this many bytes overflow the free space? */
  overflows(bytes: number): boolean {
    return this.range !== null && this.range.bytes + bytes > this.capacity
  }

  ripe(now = Date.now()): boolean {
    return this.range !== null && this.maxAgeMs > 0 && now - this.startedAt >= this.maxAgeMs
  }

  /** Milliseconds until the buffer is ripe (Infinity when it never will be). */
  msUntilRipe(now = Date.now()): number {
    if (!this.range || this.range.records === 0 || this.maxAgeMs <= 0) return Number.POSITIVE_INFINITY
    return Math.max(0, this.startedAt + this.maxAgeMs - now)
  }

  add(
    batch: DestinationRecord[],
    bytes: number,
    iteration: number,
    pagination: Pagination | null,
    state: unknown,
    /** false: count the page only (a streaming destination has it already). */
    keep = true,
  ): void {
    if (!this.range) {
      this.startedAt = Date.now()
      this.range = {
        batches: [],
        records: 0,
        bytes: 0,
        fromIteration: iteration,
        toIteration: iteration,
        pagination,
        state,
      }
    }
    const range = this.range
    if (batch.length && keep) range.batches.push(batch)
    range.records += batch.length
    range.bytes += bytes
    range.toIteration = iteration
    range.pagination = pagination
    if (state !== undefined) range.state = state
  }

  /** Hands over the buffered range and empties the buffer. */
  take(): BufferedRange | null {
    const range = this.range
    this.range = null
    return range
  }
}

/** An open file being read: its batches of records, and the one being consumed. */
import type { Item, Position } from './reader.ts'

export class Live {
  private pending: Item[] = []
  private index = 0

  constructor(
    readonly name: string,
    public position: Position,
    private readonly batches: AsyncGenerator<Item[]>,
  ) {}

  /** The next record without waiting, when the current batch has one (the common case). */
  take(): Item | undefined {
    return this.index < this.pending.length ? this.pending[this.index++] : undefined
  }

  /** Waits for the next batch; undefined at the end of the file. */
  async fill(): Promise<Item | undefined> {
    for (;;) {
      const { done, value } = await this.batches.next()
      if (done) return undefined
      this.pending = value
      this.index = 0
      if (value.length > 0) return this.pending[this.index++]
    }
  }

  async close(): Promise<void> {
    await this.batches.return(undefined)
  }
}

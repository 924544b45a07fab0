/** The logger destination (reference §8.4): one info line per record. */
import type { Destination, DestinationContext, DestinationRecord } from '../../../src/index.ts'

const COMPLETED = {
  full_refresh: 'Logger destination: FULL_REFRESH sync completed',
  incremental: 'Logger destination: INCREMENTAL sync completed (records appended)',
  stream: 'Logger destination: STREAM sync batch completed',
} as const

export function createLoggerDestination(ctx: DestinationContext): Destination {
  const prefix = `[${ctx.syncMode}] `
  return {
    async write(records: DestinationRecord[]) {
      for (const record of records) ctx.logger.info(prefix + record.source_data)
    },
    async finalize() {
      ctx.logger.info(COMPLETED[ctx.syncMode])
    },
  }
}

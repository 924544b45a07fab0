/**
 * Child process of flush.test.ts: writes a page, flushes, writes a second page, prints "written"
 * and waits to be killed (kill -9), so the test sees what a crash leaves in the file.
 * Argument: JSON `{ dir, ctx, first, second }` (records as JSON, dates as ISO text).
 */
import decl from '../../../../connectors/destinations/sqlite/index.ts'
import type { DestinationRecord } from '../../../../src/index.ts'
import { openDestination } from '../../sources/postgres/drive.ts'

const input = JSON.parse(process.argv[2]!)
const revive = (records: DestinationRecord[]): DestinationRecord[] =>
  records.map((r) => ({
    ...r,
    bizon_extracted_at: new Date(r.bizon_extracted_at),
    bizon_loaded_at: new Date(r.bizon_loaded_at),
    source_timestamp: new Date(r.source_timestamp),
  }))
const ctx = { ...input.ctx, logger: { debug() {}, info() {}, warn() {}, error() {} } }
const destination = await openDestination(decl, { path: 'out.sqlite' }, {}, ctx)
await destination.write(revive(input.first), { destinationId: ctx.destinationId })
await destination.flush?.()
await destination.write(revive(input.second), { destinationId: ctx.destinationId })
console.log('written')
setInterval(() => {}, 1000)

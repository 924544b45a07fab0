/** `flaky`: a custom destination appending NDJSON that rejects its Nth write once (torture fault tests). */
import { appendFileSync, existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { defineDestination, v } from 'bizon'

export default defineDestination({
  name: 'flaky',
  summary:
    'Appends records to <destination_id>.ndjson; throws on write number `fail_on_write` of the first run.',
  config: v.object({
    fail_on_write: v.pipe(v.optional(v.number(), 3), v.description('Which write (1-based) throws, once.')),
  }),
  create(config, ctx) {
    const file = join(ctx.baseDir, `${ctx.destinationId}.ndjson`)
    // Marks that the failure happened, so the rerun goes through.
    const marker = join(ctx.baseDir, `${ctx.destinationId}.failed-once`)
    let writes = 0
    return {
      async write(records) {
        writes++
        if (writes === config.fail_on_write && !existsSync(marker)) {
          writeFileSync(marker, '')
          throw new Error(`warehouse rejected batch ${writes} (quota exceeded)`)
        }
        appendFileSync(file, records.map((r) => `${JSON.stringify(r)}\n`).join(''))
      },
    }
  },
})

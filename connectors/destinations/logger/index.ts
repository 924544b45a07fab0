/** `logger`: logs every record; for trying pipelines out. */
import { defineDestination, v } from '../../../src/index.ts'

export const LoggerConfig = v.object({
  dummy: v.pipe(v.optional(v.string(), 'bizon'), v.description('Unused placeholder kept for compatibility.')),
})
export type LoggerConfig = v.InferOutput<typeof LoggerConfig>

export default defineDestination({
  name: 'logger',
  summary: 'Logs every record at info level as `[<sync_mode>] <record JSON>`.',
  config: LoggerConfig,
  async create(_config, ctx) {
    const { createLoggerDestination } = await import('./destination.ts')
    return createLoggerDestination(ctx)
  },
})

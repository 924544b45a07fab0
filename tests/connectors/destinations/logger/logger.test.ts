/** The logger destination logs each record and the reference's completion messages (reference §8.4). */
import { describe, expect, test } from 'bun:test'
import * as v from 'valibot'
import decl, { LoggerConfig } from '../../../../connectors/destinations/logger/index.ts'
import type { DestinationContext, SyncMode } from '../../../../src/index.ts'
import { makeRecords } from '../../../conformance/destination.suite.ts'
import { loadExamples } from '../../../conformance/source.suite.ts'

function capture(syncMode: SyncMode) {
  const lines: string[] = []
  const logger = {
    debug() {},
    info: (message: string) => lines.push(`info ${message}`),
    warn: (message: string) => lines.push(`warn ${message}`),
    error: (message: string) => lines.push(`error ${message}`),
  }
  const ctx: DestinationContext = {
    pipeline: 'p',
    source: 'dummy',
    stream: 'creatures',
    syncMode,
    destinationId: 'dummy_creatures',
    jobId: 'a'.repeat(32),
    resuming: false,
    recordSchemas: [],
    unnest: false,
    logger,
    baseDir: '.',
  }
  return { ctx, lines }
}

const config = { ...v.parse(LoggerConfig, {}), buffer_size: 50, buffer_flush_timeout: 600, unnest: false }

describe('logger destination', () => {
  test('logs every record at info as [<sync_mode>] <source_data>', async () => {
    const { ctx, lines } = capture('full_refresh')
    const destination = await decl.create(config, ctx)
    const records = makeRecords('r', 2)
    await destination.write(records, { destinationId: ctx.destinationId })
    expect(lines).toEqual(records.map((r) => `info [full_refresh] ${r.source_data}`))
  })

  test('finalize logs the completion message of each sync mode', async () => {
    const said: string[] = []
    for (const mode of ['full_refresh', 'incremental', 'stream'] as const) {
      const { ctx, lines } = capture(mode)
      await (await decl.create(config, ctx)).finalize?.()
      said.push(...lines)
    }
    expect(said).toEqual([
      'info Logger destination: FULL_REFRESH sync completed',
      'info Logger destination: INCREMENTAL sync completed (records appended)',
      'info Logger destination: STREAM sync batch completed',
    ])
  })

  test('accepts `dummy` (default bizon) and an empty config', () => {
    expect(v.parse(decl.config!, {})).toEqual({ dummy: 'bizon' })
    expect(v.parse(decl.config!, { dummy: 'x' })).toEqual({ dummy: 'x' })
    expect(v.safeParse(decl.config!, { dummy: 3 }).success).toBe(false)
  })

  test('its example pipelines load and use it', async () => {
    const loaded = await loadExamples(['connectors/destinations/logger/examples'])
    expect(loaded.map((e) => e.destination)).toContain('logger')
  })
})

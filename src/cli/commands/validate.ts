/** `bizon validate FILE`: everything a run checks first (config, references, connections), without running. */
import { accessSync, constants, existsSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { defineCommand } from 'citty'
import { syncKeyOf } from '../../engine/pipeline.ts'
import { BizonError, messageOf } from '../../errors.ts'
import { debugArg, envFileArg, fileArg, loadForCommand, loggerFor } from '../common.ts'

interface Check {
  name: string
  ok: boolean
  detail?: string
}

export default defineCommand({
  meta: {
    name: 'validate',
    description: 'Check a pipeline (config, references, source connection) without running it',
  },
  args: {
    ...fileArg,
    ...envFileArg,
    'custom-source': { type: 'string', description: 'Path of a custom source .ts file' },
    'custom-destination': { type: 'string', description: 'Path of a custom destination .ts file' },
    json: { type: 'boolean', description: 'Print the checklist as JSON on stdout' },
    ...debugArg,
  },
  async run({ args }) {
    const loaded = await loadForCommand(args.file, {
      envFile: args['env-file'],
      customSource: args['custom-source'],
      customDestination: args['custom-destination'],
    })
    const { config } = loaded
    const logger = loggerFor(loaded, { 'log-level': 'WARNING' })
    const checks: Check[] = [
      {
        name: 'config',
        ok: true,
        detail: `${config.name}: ${config.source.name}.${config.source.stream} → ${config.destination.name}`,
      },
      { name: 'references', ok: true, detail: `${loaded.secrets.length} secret value(s) resolved` },
    ]
    checks.push(await backendCheck(loaded))
    try {
      const source = await loaded.source.create(config.source, {
        stream: syncKeyOf(loaded).streamName,
        syncMode: config.source.sync_mode,
        logger,
        baseDir: loaded.baseDir,
        signal: AbortSignal.timeout(60_000),
      })
      try {
        const result = (await source.check?.()) ?? { ok: true }
        const total = result.ok && config.source.sync_mode !== 'stream' ? await source.total?.() : undefined
        checks.push({
          name: `source ${config.source.name}`,
          ok: result.ok,
          detail: result.ok ? (total != null ? `reachable, ${total} records` : 'reachable') : result.detail,
        })
      } finally {
        await source.close?.()
      }
    } catch (error) {
      checks.push({ name: `source ${config.source.name}`, ok: false, detail: messageOf(error) })
    }
    if (args.json)
      process.stdout.write(`${JSON.stringify({ ok: checks.every((c) => c.ok), checks }, null, 2)}\n`)
    else
      for (const check of checks)
        process.stdout.write(
          `${check.ok ? '✔' : '✖'} ${check.name}${check.detail ? `: ${check.detail}` : ''}\n`,
        )
    const failed = checks.filter((c) => !c.ok)
    if (failed.length)
      throw new BizonError(
        'connection',
        `${failed.length} check(s) failed: ${failed.map((c) => c.name).join(', ')}.`,
        {
          hint: 'Fix them and validate again.',
        },
      )
  },
})

async function backendCheck(loaded: Awaited<ReturnType<typeof loadForCommand>>): Promise<Check> {
  const { type, config } = loaded.config.engine.backend
  const name = `backend ${type}`
  if (type === 'sqlite') {
    const file = resolve(`${String(config.database ?? 'bizon')}.sqlite3`)
    const folder = dirname(file)
    try {
      accessSync(existsSync(file) ? file : folder, constants.W_OK)
      return { name, ok: true, detail: `${file} ${existsSync(file) ? 'writable' : 'will be created'}` }
    } catch (error) {
      return { name, ok: false, detail: `${file} is not writable: ${messageOf(error)}` }
    }
  }
  if (type === 'sqlite_in_memory') return { name, ok: true, detail: 'in memory' }
  try {
    const backend = await loaded.backend.create(config, { baseDir: loaded.baseDir })
    try {
      await backend.check?.()
    } finally {
      await backend.close()
    }
    return { name, ok: true, detail: 'reachable' }
  } catch (error) {
    return { name, ok: false, detail: messageOf(error) }
  }
}

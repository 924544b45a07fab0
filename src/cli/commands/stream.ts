/** `bizon stream list SOURCE` and `bizon stream reset FILE` (reference §3.4, §3.5). */
import { defineCommand } from 'citty'
import { openBackend, syncKeyOf } from '../../engine/pipeline.ts'
import { BizonError } from '../../errors.ts'
import { didYouMean, findByName } from '../../plugin/registry.ts'
import { envFileArg, fileArg, loadForCommand } from '../common.ts'
import { registry } from '../registry.ts'

const list = defineCommand({
  meta: { name: 'list', description: 'List the streams of a source and whether they support incremental' },
  args: { source: { type: 'positional', description: 'Source name', required: true } },
  run({ args }) {
    const source = findByName(registry.sources, args.source)
    if (!source) {
      const suggestion = didYouMean(
        args.source,
        registry.sources.map((s) => s.name),
      )
      throw new BizonError('usage', `Source ${args.source} not found.`, {
        hint: suggestion ? `Did you mean "${suggestion}"?` : 'See `bizon source list`.',
      })
    }
    const lines = Object.entries(source.streams).map(([name, info]) => {
      const modes = [
        info.incremental ? 'Supports incremental' : 'Full refresh only',
        ...(info.stream ? ['stream'] : []),
      ]
      return `[${modes.join(', ')}] - ${name === '*' ? '<any table or file name>' : name}`
    })
    process.stdout.write(`Available streams for ${source.name}:\n${lines.join('\n')}\n`)
  },
})

const reset = defineCommand({
  meta: {
    name: 'reset',
    description: 'Queue a reset of an incremental stream (the next run refetches everything)',
  },
  args: {
    ...fileArg,
    ...envFileArg,
    cancel: { type: 'boolean', description: 'Cancel pending reset requests instead' },
    stream: { type: 'string', description: 'Stream to reset (default: source.stream of the file)' },
  },
  async run({ args }) {
    const loaded = await loadForCommand(args.file, { envFile: args['env-file'], stream: args.stream })
    const mode = loaded.config.source.sync_mode
    if (mode !== 'incremental')
      throw new BizonError(
        'usage',
        `Only incremental streams can be reset, but sync_mode is '${mode}'. A '${mode}' stream already rebuilds its destination on every run.`,
      )
    const key = syncKeyOf(loaded)
    const backend = await openBackend(loaded)
    const out = (line: string) => process.stdout.write(`${line}\n`)
    try {
      if (loaded.config.engine.backend.type === 'sqlite')
        out(
          'Warning: the sqlite backend is a local file, so this request is only visible to runs using the same file.',
        )
      const label = `${key.sourceName} - ${key.streamName}`
      if (args.cancel) {
        const count = await backend.cancelPendingResets(key)
        out(
          count
            ? `Cancelled ${count} pending reset request(s) for ${label}.`
            : `No pending reset request for ${label}.`,
        )
        return
      }
      if (await backend.getPendingReset(key))
        return out(`A reset is already pending for ${label}, nothing to do.`)
      if (!(await backend.getLastSucceededJob(key)))
        out(
          `Warning: no previous successful run found for ${label}. Check the stream name — a stream that has never run already fetches everything on its next run.`,
        )
      await backend.createReset(key)
      out(
        `Reset requested for ${label}. The next run will re-fetch the full stream, replace the destination table, and resume incremental from there.`,
      )
    } finally {
      await backend.close()
    }
  },
})

export default defineCommand({
  meta: { name: 'stream', description: 'Streams: list, reset' },
  subCommands: { list, reset },
})

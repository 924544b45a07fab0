/** `bizon run FILE`: runs one pipeline to its end (reference §3.1). */
import { defineCommand } from 'citty'
import { runPipeline } from '../../engine/pipeline.ts'
import { messageOf } from '../../errors.ts'
import { createProgress } from '../../observe/progress.ts'
import { combineObservers } from '../../observe/types.ts'
import { checkChoice, debugArg, envFileArg, fileArg, loadForCommand, logArgs, loggerFor } from '../common.ts'
import { formatError } from '../format-error.ts'

export default defineCommand({
  meta: { name: 'run', description: 'Run a pipeline' },
  args: {
    ...fileArg,
    runner: { type: 'string', description: 'thread, process or stream (overrides engine.runner.type)' },
    ...logArgs,
    ...envFileArg,
    reset: {
      type: 'boolean',
      description: 'Reset the stream: refetch everything and replace the destination',
    },
    'custom-source': { type: 'string', description: 'Path of a custom source .ts file' },
    'custom-destination': { type: 'string', description: 'Path of a custom destination .ts file' },
    ...debugArg,
  },
  async run({ args }) {
    const runner = checkChoice('runner', args.runner, ['thread', 'process', 'stream'])
    checkChoice('log-level', args['log-level']?.toUpperCase(), [
      'TRACE',
      'DEBUG',
      'INFO',
      'WARNING',
      'ERROR',
      'CRITICAL',
    ])
    checkChoice('log-format', args['log-format'], ['text', 'json'])
    const loaded = await loadForCommand(args.file, {
      envFile: args['env-file'],
      runner,
      logLevel: args['log-level']?.toUpperCase(),
      reset: args.reset || undefined,
      customSource: args['custom-source'],
      customDestination: args['custom-destination'],
    })
    const logger = loggerFor(loaded, args)
    const progress = createProgress({ logger })
    const stop = new AbortController()
    let signals = 0
    const onSignal = (name: NodeJS.Signals) => {
      signals += 1
      if (signals > 1) {
        logger.error(`Second ${name}: exiting now. The next run resumes from the last checkpoint.`)
        process.exit(name === 'SIGINT' ? 130 : 143)
      }
      logger.warn(
        `${name} received: stopping after the pages already read are written (send again to exit at once).`,
      )
      stop.abort(new Error(`stopped by ${name}`))
    }
    process.on('SIGINT', onSignal)
    process.on('SIGTERM', onSignal)
    try {
      const result = await runPipeline(loaded, {
        logger,
        observer: combineObservers([progress]),
        signal: stop.signal,
      })
      progress.stop()
      if (result.ok) {
        logger.success(`Job ${result.job?.id} succeeded.`)
        process.stdout.write('Pipeline finished successfully.\n')
        return
      }
      const statuses = Object.entries(result.statuses)
        .map(([side, status]) => `${side[0]!.toUpperCase()}${side.slice(1)}: ${status}`)
        .join(', ')
      const reason = result.error
        ? formatError(result.error, { debug: args.debug, secrets: loaded.secrets })
        : ''
      process.stderr.write(
        `${reason ? `${reason}\n` : ''}Error: Pipeline finished with status Failure (${statuses}). Job ${result.job?.id} is left resumable: run the same command again to continue.\n`,
      )
      process.exitCode = stop.signal.aborted
        ? signals && stop.signal.reason && messageOf(stop.signal.reason).includes('SIGINT')
          ? 130
          : 143
        : 1
    } finally {
      progress.stop()
      process.off('SIGINT', onSignal)
      process.off('SIGTERM', onSignal)
    }
  },
})

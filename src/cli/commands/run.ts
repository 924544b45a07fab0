/** `bizon run FILE`: runs one pipeline to its end (reference §3.1). */
import { defineCommand } from 'citty'
import { openBackend, type Role, runPipeline } from '../../engine/pipeline.ts'
import { combineObservers } from '../../observe/types.ts'
import { checkChoice, debugArg, envFileArg, fileArg, loadForCommand, logArgs, loggerFor } from '../common.ts'
import { formatError } from '../format-error.ts'
import { startObservers } from '../observers.ts'

const LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARNING', 'ERROR', 'CRITICAL']

export default defineCommand({
  meta: { name: 'run', description: 'Run a pipeline' },
  args: {
    ...fileArg,
    runner: { type: 'string', description: 'thread, process or stream (overrides engine.runner.type)' },
    role: {
      type: 'string',
      description: 'all (default), producer or consumer (sides of a run sharing a nats queue and backend)',
    },
    ...logArgs,
    ...envFileArg,
    reset: {
      type: 'boolean',
      description: 'Reset the stream: refetch everything and replace the destination',
    },
    'custom-source': { type: 'string', description: 'Path of a custom source .ts file' },
    'custom-destination': { type: 'string', description: 'Path of a custom destination .ts file' },
    serve: { type: 'boolean', description: 'Serve the live status page while the run goes' },
    host: { type: 'string', description: 'Status page address (default 127.0.0.1; others need a token)' },
    port: { type: 'string', description: 'Status page port (default 7878)' },
    token: { type: 'string', description: 'Token required by the status page (or BIZON_STATUS_TOKEN)' },
    ...debugArg,
  },
  async run({ args }) {
    const runner = checkChoice('runner', args.runner, ['thread', 'process', 'stream'])
    const role = (checkChoice('role', args.role, ['all', 'producer', 'consumer']) ?? 'all') as Role
    checkChoice('log-level', args['log-level']?.toUpperCase(), LEVELS)
    checkChoice('log-format', args['log-format'], ['text', 'json'])
    if (args.port !== undefined) checkChoice('port', /^\d+$/.test(args.port) ? 'ok' : args.port, ['ok'])
    const loaded = await loadForCommand(args.file, {
      envFile: args['env-file'],
      runner,
      logLevel: args['log-level']?.toUpperCase(),
      reset: args.reset || undefined,
      customSource: args['custom-source'],
      customDestination: args['custom-destination'],
    })
    const logger = loggerFor(loaded, args)
    const around = await startObservers(
      loaded,
      logger,
      {
        serve: args.serve,
        host: args.host,
        port: args.port,
        token: args.token,
        json: args['log-format'] === 'json',
      },
      () => openBackend(loaded),
    )
    const stop = new AbortController()
    let received: NodeJS.Signals | undefined
    const onSignal = (name: NodeJS.Signals) => {
      if (received) {
        logger.error(`Second ${name}: exiting now. The next run resumes from the last checkpoint.`)
        process.exit(name === 'SIGINT' ? 130 : 143)
      }
      received = name
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
        observer: combineObservers(around.observers),
        signal: stop.signal,
        role,
      })
      if (result.ok) {
        logger.success(`Job ${result.job?.id} ${role === 'producer' ? 'published every page' : 'succeeded'}.`)
        process.stdout.write(
          `${role === 'producer' ? 'Producer finished successfully.' : 'Pipeline finished successfully.'}\n`,
        )
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
      process.exitCode = received === 'SIGINT' ? 130 : received === 'SIGTERM' ? 143 : 1
    } finally {
      await around.close()
      process.off('SIGINT', onSignal)
      process.off('SIGTERM', onSignal)
    }
  },
})

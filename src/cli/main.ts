#!/usr/bin/env bun
/** Entry point of the `bizon` binary: fast --version, lazy subcommands, one error printer. */

declare const BIZON_VERSION: string | undefined

export const VERSION: string = typeof BIZON_VERSION === 'string' ? BIZON_VERSION : '0.1.0-dev'

// `bizon source list | head`: a reader that went away is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0)
  throw error
})

async function main(argv: string[]): Promise<void> {
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-v')) {
    process.stdout.write(`${VERSION}\n`)
    return
  }
  const [{ defineCommand, runCommand, runMain, showUsage }, { formatError, exitCodeOf }] = await Promise.all([
    import('citty'),
    import('./format-error.ts'),
  ])
  const load =
    <T>(loader: () => Promise<{ default: T }>) =>
    () =>
      loader().then((m) => m.default)
  const command = defineCommand({
    meta: { name: 'bizon', version: VERSION, description: 'Bizon: data pipelines in one binary.' },
    subCommands: {
      run: load(() => import('./commands/run.ts')),
      validate: load(() => import('./commands/validate.ts')),
      source: load(() => import('./commands/source.ts')),
      destination: load(() => import('./commands/destination.ts')),
      stream: load(() => import('./commands/stream.ts')),
      secrets: load(() => import('./commands/secrets.ts')),
      serve: load(() => import('./commands/serve.ts')),
      config: load(() => import('./commands/config.ts')),
    },
  })
  if (argv.length === 0 || argv.some((arg) => arg === '--help' || arg === '-h')) {
    await runMain(command, { rawArgs: argv.length ? argv : ['--help'] })
    return
  }
  try {
    await runCommand(command, { rawArgs: argv })
  } catch (error) {
    if ((error as { name?: string }).name === 'CLIError') {
      // citty's own usage errors: unknown command, missing argument, bad choice.
      const { resolveUsageTarget } = await import('./usage.ts')
      const [cmd, parent] = await resolveUsageTarget(command, argv)
      await showUsage(cmd, parent)
      process.stderr.write(`✖ ${(error as Error).message}\n`)
      process.exitCode = 2
      return
    }
    const debug = argv.includes('--debug')
    const { secretsInUse } = await import('./secrets-in-use.ts')
    process.stderr.write(`${formatError(error, { debug, secrets: secretsInUse() })}\n`)
    process.exitCode = exitCodeOf(error)
  }
}

await main(process.argv.slice(2))

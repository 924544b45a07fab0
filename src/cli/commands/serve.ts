/** `bizon serve`: the status page of every pipeline recorded in a backend, including other processes' runs. */
import { defineCommand } from 'citty'
import * as v from 'valibot'
import type { BackendDeclaration } from '../../backends/types.ts'
import { openBackend } from '../../engine/pipeline.ts'
import { BizonError } from '../../errors.ts'
import { findByName } from '../../plugin/registry.ts'
import { envFileArg, loadForCommand, loggerFor } from '../common.ts'
import { registry } from '../registry.ts'

export default defineCommand({
  meta: { name: 'serve', description: 'Serve the status page of every pipeline in a backend' },
  args: {
    config: { type: 'string', description: 'A pipeline file whose engine.backend to read' },
    backend: { type: 'string', description: 'sqlite:PATH (the state file) or a postgres:// URL' },
    ...envFileArg,
    host: { type: 'string', description: 'Address to bind (default 127.0.0.1; others need a token)' },
    port: { type: 'string', description: 'Port (default 7878)' },
    token: {
      type: 'string',
      description: 'Token required on every request but /healthz (or BIZON_STATUS_TOKEN)',
    },
  },
  async run({ args }) {
    const logger = loggerFor(undefined, {})
    let backend: Awaited<ReturnType<typeof openBackend>>
    let secrets: string[] = []
    if (args.config) {
      const loaded = await loadForCommand(args.config, { envFile: args['env-file'] })
      secrets = loaded.secrets
      backend = await openBackend(loaded)
    } else if (args.backend) {
      backend = await backendFromFlag(args.backend)
      if (args.backend.includes('@')) secrets = [args.backend]
    } else {
      throw new BizonError(
        'usage',
        'bizon serve needs --config FILE or --backend sqlite:PATH|postgres://URL.',
        {
          hint: 'Point it at the state the pipelines use.',
        },
      )
    }
    const { serve } = await import('../../server/serve.ts')
    const server = serve({
      backend,
      host: args.host,
      port: args.port ? Number(args.port) : undefined,
      token: args.token,
      secrets,
    })
    logger.info(`Status page: ${server.url} (Ctrl-C to stop)`)
    await new Promise<void>((resolve) => {
      const stop = () => resolve()
      process.once('SIGINT', stop)
      process.once('SIGTERM', stop)
    })
    server.stop()
    await backend.close()
  },
})

async function backendFromFlag(flag: string) {
  const [type, config] =
    flag.startsWith('postgres://') || flag.startsWith('postgresql://')
      ? ['postgres', { url: flag }]
      : flag.startsWith('sqlite:')
        ? ['sqlite', { database: flag.slice('sqlite:'.length).replace(/\.sqlite3$/, '') }]
        : [undefined, undefined]
  const declaration = type ? (findByName(registry.backends, type) as BackendDeclaration) : undefined
  if (!declaration || !config)
    throw new BizonError('usage', `--backend must be sqlite:PATH or a postgres:// URL.`, {
      hint: 'For example --backend sqlite:./bizon.sqlite3',
    })
  const parsed = v.parse(declaration.config ?? v.object({}), config)
  const backend = await declaration.create(parsed, { baseDir: process.cwd() })
  await backend.init()
  return backend
}

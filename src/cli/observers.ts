/** The observers of one `bizon run`: progress, live status, Datadog, Slack — each loaded only when used. */
import type { Backend } from '../backends/types.ts'
import type { LoadedPipeline } from '../config/types.ts'
import type { BizonLogger, LogLevelName } from '../observe/log.ts'
import { createProgress } from '../observe/progress.ts'
import type { RunObserver } from '../observe/types.ts'

export interface ServeFlags {
  serve?: boolean
  host?: string
  port?: string
  token?: string
}

export interface RunObservers {
  observers: RunObserver[]
  statusUrl?: string
  close(): Promise<void>
}

export async function startObservers(
  loaded: LoadedPipeline,
  logger: BizonLogger,
  flags: ServeFlags & { json: boolean },
  openBackend: () => Promise<Backend>,
): Promise<RunObservers> {
  const progress = createProgress({ logger, isTTY: flags.json ? false : undefined })
  const observers: RunObserver[] = [progress]
  const closers: (() => Promise<void> | void)[] = [() => progress.stop()]
  let statusUrl: string | undefined
  if (flags.serve) {
    const [{ LiveRuns }, { serve }] = await Promise.all([
      import('../server/live.ts'),
      import('../server/serve.ts'),
    ])
    const live = new LiveRuns()
    observers.push(live.observer())
    const backend = await openBackend()
    const server = serve({
      backend,
      live,
      host: flags.host,
      port: flags.port ? Number(flags.port) : undefined,
      token: flags.token,
      secrets: loaded.secrets,
    })
    statusUrl = server.url
    logger.info(`Status page: ${server.url}`)
    closers.push(async () => {
      server.stop()
      await backend.close()
    })
  }
  const { monitoring, alerting } = loaded.config
  if (monitoring?.config) {
    const { createDatadogMonitor } = await import('../observe/datadog.ts')
    const datadog = await createDatadogMonitor(
      {
        ...monitoring.config,
        tags: Object.fromEntries(Object.entries(monitoring.config.tags).map(([k, v]) => [k, String(v)])),
      },
      { logger },
    )
    observers.push(datadog)
    closers.push(() => datadog.close())
  }
  if (alerting) {
    const { createSlackAlerter } = await import('../observe/slack.ts')
    const slack = createSlackAlerter(
      { webhook_url: alerting.config.webhook_url, log_levels: alerting.log_levels as LogLevelName[] },
      { secrets: loaded.secrets, statusUrl, logger },
    )
    const detach = logger.addSink(slack.sink, slack.minLevel)
    observers.push(slack)
    closers.push(async () => {
      detach()
      await slack.close()
    })
  }
  return {
    observers,
    statusUrl,
    async close() {
      for (const close of closers.reverse()) await Promise.resolve(close()).catch(() => {})
    },
  }
}

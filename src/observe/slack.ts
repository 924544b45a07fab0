/** Slack alerting (reference §13): one webhook post per failure or matching log line, secrets masked. */
import type { Logger } from '../plugin/types.ts'
import { LOG_LEVELS, type LogLevelName, type LogRecord, redact } from './log.ts'
import type { RunInfo, RunObserver, Stage } from './types.ts'

export interface SlackConfig {
  webhook_url: string
  /** Alerts for these levels; the lowest one and everything above fires (default ERROR). */
  log_levels?: LogLevelName[]
}

export interface SlackOptions {
  /** Values masked in every alert (resolved secrets); the webhook URL is always masked. */
  secrets?: string[]
  /** Base URL of the status page when it is served: alerts link to the job. */
  statusUrl?: string
  /** Where delivery failures are reported (never to Slack itself). */
  logger?: Logger
  /** Events arriving within this window describing the same failure make one alert (ms). */
  mergeMs?: number
  timeoutMs?: number
  /** Alerts sent per job at most; the rest are counted and reported in one last alert. */
  maxAlerts?: number
}

export interface SlackAlerter extends RunObserver {
  /** Log sink: attach with `logger.addSink(alerter.sink, alerter.minLevel)`. */
  sink(record: LogRecord): void
  readonly minLevel: LogLevelName
  /** Sends what is pending and waits for deliveries (at most `timeoutMs`). */
  close(timeoutMs?: number): Promise<void>
}

interface Alert {
  level: LogLevelName
  message: string
  stage?: Stage
  fields: Record<string, unknown>
}

const FAILURE_PREFIX = 'Failed to send alert to Slack'
const norm = (text: string) => text.trim().replace(/\s+/g, ' ')
/** Two texts describe one event when one contains the other (a log line often wraps the error). */
const same = (a: string, b: string) => a.length > 0 && b.length > 0 && (a.includes(b) || b.includes(a))

export function createSlackAlerter(config: SlackConfig, options: SlackOptions = {}): SlackAlerter {
  const levels = config.log_levels?.length ? config.log_levels : (['ERROR'] as LogLevelName[])
  const minLevel =
    LOG_LEVELS[Math.min(...levels.map((l) => LOG_LEVELS.indexOf(l)).filter((i) => i >= 0))] ?? 'ERROR'
  const secrets = [config.webhook_url, ...(options.secrets ?? [])]
  const mergeMs = options.mergeMs ?? 150
  let info: RunInfo | null = null
  let jobId: string | null = null
  let pending: Alert[] = []
  const sent: string[] = []
  let timer: ReturnType<typeof setTimeout> | null = null
  let chain: Promise<void> = Promise.resolve()
  let errorRaised = false
  let suppressed = 0
  const maxAlerts = options.maxAlerts ?? 20

  const text = (alert: Alert): string => {
    const f = alert.fields
    const pipeline = String(f.pipeline ?? info?.pipeline ?? 'N/A')
    const source = String(f.source ?? info?.source ?? 'N/A')
    const stream = String(f.stream ?? info?.stream ?? 'N/A')
    const job = (f.job as string | undefined) ?? jobId
    const lines = [
      ':rotating_light: *Bizon Pipeline Alert* :rotating_light:',
      '',
      `*Sync*: \`${pipeline}\``,
      `*Source*: \`${source}\` - \`${stream}\``,
      `*Destination*: \`${info?.destination ?? 'N/A'}\``,
    ]
    if (alert.stage) lines.push(`*Stage*: \`${alert.stage}\``)
    if (job) lines.push(`*Job*: \`${job}\``)
    lines.push(
      '',
      '*Message:*',
      `\`\`\`${alert.message.replaceAll('```', "'''")}\`\`\``,
      `*Level:* \`${alert.level}\``,
    )
    if (options.statusUrl) {
      const base = options.statusUrl.replace(/\/+$/, '')
      lines.push(`<${job ? `${base}/jobs/${job}` : base}|Open the status page>`)
    }
    return redact(lines.join('\n'), secrets)
  }

  const deliver = async (alert: Alert) => {
    try {
      const response = await fetch(config.webhook_url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text: text(alert) }),
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      })
      if (!response.ok)
        throw new Error(`HTTP ${response.status} ${redact(await response.text(), secrets).slice(0, 200)}`)
    } catch (error) {
      const why = redact(error instanceof Error ? error.message : String(error), secrets)
      options.logger?.warn(`${FAILURE_PREFIX}: ${why}. Check alerting.config.webhook_url.`)
    }
  }

  const flush = () => {
    if (timer) clearTimeout(timer)
    timer = null
    const batch = pending
    pending = []
    for (const alert of batch) chain = chain.then(() => deliver(alert))
  }

  const queue = (alert: Alert) => {
    alert.message = norm(redact(alert.message, secrets))
    if (!alert.message) return
    if (LOG_LEVELS.indexOf(alert.level) >= LOG_LEVELS.indexOf('ERROR')) errorRaised = true
    const twin = pending.find((p) => same(p.message, alert.message))
    if (twin) {
      // keep the richer of the two: the stage from the event, the longer message
      twin.stage ??= alert.stage
      if (LOG_LEVELS.indexOf(alert.level) > LOG_LEVELS.indexOf(twin.level)) twin.level = alert.level
      if (alert.message.length > twin.message.length) twin.message = alert.message
      return
    }
    if (sent.some((m) => same(m, alert.message))) return
    sent.push(alert.message)
    // a run that warns in a loop must not flood the channel (Slack also rate-limits webhooks)
    if (sent.length > maxAlerts) {
      suppressed++
      return
    }
    pending.push(alert)
    if (!timer) {
      timer = setTimeout(flush, mergeMs)
      timer.unref?.()
    }
  }

  return {
    minLevel,
    sink(record) {
      if (record.message.startsWith(FAILURE_PREFIX)) return
      if (LOG_LEVELS.indexOf(record.level) < LOG_LEVELS.indexOf(minLevel)) return
      queue({ level: record.level, message: record.message, fields: record.fields })
    },
    jobStarted(job, runInfo) {
      info = runInfo
      jobId = job.id
      // a new job: its failures are new events
      sent.length = 0
      errorRaised = false
      suppressed = 0
    },
    pageRead() {},
    batchWritten() {},
    gauges() {},
    error(event) {
      if (LOG_LEVELS.indexOf('ERROR') < LOG_LEVELS.indexOf(minLevel)) return
      queue({ level: 'ERROR', message: event.message, stage: event.stage, fields: {} })
    },
    jobEnded(event) {
      if (event.status === 'succeeded') return
      // the error event (or its log line) already raised this failure
      if (event.status === 'failed' && errorRaised) return
      const level: LogLevelName = event.status === 'failed' ? 'ERROR' : 'WARNING'
      if (LOG_LEVELS.indexOf(level) < LOG_LEVELS.indexOf(minLevel)) return
      const message =
        event.message ?? (event.status === 'failed' ? 'The run failed.' : 'The run was stopped.')
      queue({ level, message, fields: {} })
    },
    async close(timeoutMs = 5000) {
      if (suppressed > 0) {
        const message = `${suppressed} more alert(s) of this run were not sent (at most ${maxAlerts} per run). See the logs.`
        pending.push({ level: 'WARNING', message, fields: {} })
        suppressed = 0
      }
      flush()
      let done: ReturnType<typeof setTimeout> | undefined
      await Promise.race([chain, new Promise<void>((r) => (done = setTimeout(r, timeoutMs)))])
      clearTimeout(done)
    },
  }
}

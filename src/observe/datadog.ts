/** Datadog monitoring (reference §12): the pipeline's status and record counts as DogStatsD over UDP. */
import { lookup } from 'node:dns/promises'
import type { Logger } from '../plugin/types.ts'
import type { RunInfo, RunObserver, Stage } from './types.ts'

export interface DatadogConfig {
  datadog_agent_host?: string
  datadog_host_env_var?: string
  datadog_agent_port?: number
  tags?: Record<string, string>
}

export interface DatadogMonitor extends RunObserver {
  /** `host:port` the metrics go to. */
  readonly target: string
  close(): void
}

/** DogStatsD forbids `|`, `,` and `#` inside a tag; newlines would end the datagram. */
const cleanTag = (text: string) => text.replace(/[|,#\n\r]/g, '_')

/** Status tag sent when a run ends, by the stage that failed it. */
const FAILED_STATUS: Partial<Record<Stage, string>> = {
  transform: 'transform_error',
  destination: 'destination_error',
  source: 'source_error',
  queue: 'queue_error',
  backend: 'backend_error',
}

/** Host from the env var named by `datadog_host_env_var` when set and non-empty, else the configured host. */
export function datadogTarget(config: DatadogConfig, env: Record<string, string | undefined> = process.env) {
  const fromEnv = config.datadog_host_env_var ? env[config.datadog_host_env_var] : undefined
  const host = fromEnv?.trim() || config.datadog_agent_host || 'localhost'
  return { host, port: config.datadog_agent_port ?? 8125 }
}

/** Opens the UDP socket; sends are fire-and-forget so the run never waits on the agent. */
export async function createDatadogMonitor(
  config: DatadogConfig,
  options: { env?: Record<string, string | undefined>; logger?: Logger } = {},
): Promise<DatadogMonitor> {
  const { host, port } = datadogTarget(config, options.env)
  let address = host
  try {
    address = (await lookup(host, { family: 4 })).address
  } catch {
    address = (await lookup(host).catch(() => ({ address: host }))).address
  }
  const socket = await Bun.udpSocket({ hostname: address.includes(':') ? '::' : '0.0.0.0' })
  const extraTags = Object.entries(config.tags ?? {}).map(([k, v]) => `${cleanTag(k)}:${cleanTag(String(v))}`)
  let baseTags = extraTags
  let syncMode: RunInfo['syncMode'] = 'full_refresh'
  let lastStage: Stage | null = null
  let warned = false

  const send = (metric: string, value: number, tags: string[]) => {
    const line = `${metric}:${value}|c|#${[...baseTags, ...tags].join(',')}`
    try {
      socket.send(line, port, address)
    } catch (error) {
      if (!warned)
        options.logger?.warn(`Could not send metrics to Datadog at ${host}:${port}: ${String(error)}`)
      warned = true
    }
  }
  const status = (value: string) => send('bizon_pipeline.status', 1, [`pipeline_status:${value}`])

  return {
    target: `${host}:${port}`,
    jobStarted(_job, info) {
      syncMode = info.syncMode
      lastStage = null
      baseTags = [
        `pipeline_name:${cleanTag(info.pipeline)}`,
        `pipeline_stream:${cleanTag(info.stream)}`,
        `pipeline_source:${cleanTag(info.source)}`,
        `pipeline_destination:${cleanTag(info.destination)}`,
        ...extraTags,
      ]
      status('running')
    },
    pageRead() {},
    batchWritten(event) {
      send('bizon_pipeline.records_synced', event.records, [
        `destination_id:${cleanTag(event.destinationId)}`,
      ])
      if (syncMode === 'stream') status('success')
    },
    gauges() {},
    error(event) {
      lastStage = event.stage
    },
    jobEnded(event) {
      if (event.status === 'succeeded') status('success')
      else if (event.status === 'stopped') status('killed_by_runner')
      else status((lastStage && FAILED_STATUS[lastStage]) || 'error')
    },
    close() {
      socket.close()
    },
  }
}

import { afterEach, describe, expect, test } from 'bun:test'
import type { Job } from '../../src/backends/types.ts'
import { createDatadogMonitor, datadogTarget } from '../../src/observe/datadog.ts'
import { runInfo } from '../server/fixtures.ts'

/** A local DogStatsD agent: collects the datagrams it receives. */
async function agent() {
  const lines: string[] = []
  const socket = await Bun.udpSocket({
    hostname: '127.0.0.1',
    socket: {
      data(_s, data) {
        lines.push(...data.toString().split('\n').filter(Boolean))
      },
    },
  })
  return { port: socket.port, lines, close: () => socket.close() }
}

const until = async (check: () => boolean) => {
  for (let i = 0; i < 100 && !check(); i++) await Bun.sleep(10)
}

let cleanup: (() => void)[] = []
afterEach(() => {
  for (const c of cleanup) c()
  cleanup = []
})

describe('datadog', () => {
  test('sends the pipeline status and records synced with the base and custom tags', async () => {
    const a = await agent()
    const monitor = await createDatadogMonitor({
      datadog_agent_host: 'localhost',
      datadog_agent_port: a.port,
      tags: { env: 'edge', team: 'data,eng' },
    })
    cleanup.push(a.close, monitor.close)
    const job = { id: 'j1' } as Job
    monitor.jobStarted(job, runInfo('orders'))
    monitor.batchWritten({
      fromIteration: 0,
      toIteration: 1,
      records: 250,
      bytes: 1,
      ms: 1,
      destinationId: 'dummy_creatures',
    })
    monitor.jobEnded({ status: 'succeeded', job })
    await until(() => a.lines.length >= 3)
    const tags =
      'pipeline_name:orders,pipeline_stream:creatures,pipeline_source:dummy,pipeline_destination:file,env:edge,team:data_eng'
    expect(a.lines).toEqual([
      `bizon_pipeline.status:1|c|#${tags},pipeline_status:running`,
      `bizon_pipeline.records_synced:250|c|#${tags},destination_id:dummy_creatures`,
      `bizon_pipeline.status:1|c|#${tags},pipeline_status:success`,
    ])
  })

  test('a failed run reports the stage that failed it; a stopped one killed_by_runner', async () => {
    const a = await agent()
    const monitor = await createDatadogMonitor({
      datadog_agent_host: '127.0.0.1',
      datadog_agent_port: a.port,
    })
    cleanup.push(a.close, monitor.close)
    const job = { id: 'j1' } as Job
    monitor.jobStarted(job, runInfo('orders'))
    monitor.error({ stage: 'destination', message: 'disk full' })
    monitor.jobEnded({ status: 'failed', job })
    monitor.jobStarted(job, runInfo('orders'))
    monitor.jobEnded({ status: 'stopped', job })
    await until(() => a.lines.length >= 4)
    expect(a.lines.map((l) => l.split(',').pop())).toEqual([
      'pipeline_status:running',
      'pipeline_status:destination_error',
      'pipeline_status:running',
      'pipeline_status:killed_by_runner',
    ])
  })

  test('the host comes from the env var named by datadog_host_env_var when it is set', () => {
    const config = { datadog_agent_host: 'agent.local', datadog_host_env_var: 'DD_AGENT_HOST' }
    expect(datadogTarget(config, { DD_AGENT_HOST: '10.0.0.7' })).toEqual({ host: '10.0.0.7', port: 8125 })
    expect(datadogTarget(config, { DD_AGENT_HOST: '' })).toEqual({ host: 'agent.local', port: 8125 })
  })

  test('no agent listening never breaks the run', async () => {
    const a = await agent()
    const port = a.port
    a.close()
    const monitor = await createDatadogMonitor({ datadog_agent_host: '127.0.0.1', datadog_agent_port: port })
    cleanup.push(monitor.close)
    const job = { id: 'j1' } as Job
    expect(() => {
      monitor.jobStarted(job, runInfo('orders'))
      monitor.jobEnded({ status: 'succeeded', job })
    }).not.toThrow()
  })
})

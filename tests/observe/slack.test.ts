import { afterAll, describe, expect, test } from 'bun:test'
import type { Job } from '../../src/backends/types.ts'
import { createLogger } from '../../src/observe/log.ts'
import { createSlackAlerter } from '../../src/observe/slack.ts'
import { runInfo } from '../server/fixtures.ts'

/** A local Slack webhook: records the JSON bodies it receives; `fail` makes it answer 500. */
const received: { path: string; text: string }[] = []
let fail = false
const hook = Bun.serve({
  hostname: '127.0.0.1',
  port: 0,
  async fetch(req) {
    if (fail) return new Response('internal error', { status: 500 })
    const body = (await req.json()) as { text: string }
    received.push({ path: new URL(req.url).pathname, text: body.text })
    return new Response('ok')
  },
})
afterAll(() => hook.stop(true))
const webhook = (name: string) => `http://127.0.0.1:${hook.port}/services/T000/${name}/XYZsecretpart`
const job = { id: '9f1c0ffee' } as Job
const alertsFor = (name: string) => received.filter((r) => r.path.includes(`/${name}/`))

describe('slack alerts', () => {
  test('a failure seen as an event and as a log line makes exactly one alert, masked, with a link', async () => {
    const out = { text: '', write: (c: string) => (out.text += c) }
    const logger = createLogger({ stream: out, color: false, secrets: ['pa55word'] })
    const alerter = createSlackAlerter(
      { webhook_url: webhook('one') },
      { secrets: ['pa55word'], statusUrl: 'http://127.0.0.1:7878/', logger },
    )
    logger.addSink(alerter.sink, alerter.minLevel)
    alerter.jobStarted(job, runInfo('orders'))
    logger.info('Starting')
    const cause =
      'Destination "postgres" could not write 100 records: password pa55word rejected. Check destination.config.'
    alerter.error({ stage: 'destination', message: cause })
    logger.error(`Job 9f1c0ffee failed: ${cause}`)
    alerter.jobEnded({ status: 'failed', message: cause, job })
    await alerter.close()
    const alerts = alertsFor('one')
    expect(alerts).toHaveLength(1)
    expect(alerts[0]!.text).toBe(
      [
        ':rotating_light: *Bizon Pipeline Alert* :rotating_light:',
        '',
        '*Sync*: `orders`',
        '*Source*: `dummy` - `creatures`',
        '*Destination*: `file`',
        '*Stage*: `destination`',
        '*Job*: `9f1c0ffee`',
        '',
        '*Message:*',
        '```Job 9f1c0ffee failed: Destination "postgres" could not write 100 records: password *** rejected. Check destination.config.```',
        '*Level:* `ERROR`',
        '<http://127.0.0.1:7878/jobs/9f1c0ffee|Open the status page>',
      ].join('\n'),
    )
  })

  test('the lowest configured level and above fire, INFO does not, a repeated warning fires once', async () => {
    const logger = createLogger({ stream: { write: () => true } })
    const alerter = createSlackAlerter({ webhook_url: webhook('levels'), log_levels: ['ERROR', 'WARNING'] })
    logger.addSink(alerter.sink, alerter.minLevel)
    alerter.jobStarted(job, runInfo('orders'))
    logger.info('not alerted')
    logger.warn('Source answered 429, retrying in 2 s')
    logger.warn('Source answered 429, retrying in 2 s')
    logger.critical('Backend lost')
    await alerter.close()
    const texts = alertsFor('levels').map((a) => /```(.*)```/s.exec(a.text)![1])
    expect(texts).toEqual(['Source answered 429, retrying in 2 s', 'Backend lost'])
    expect(alertsFor('levels')[1]!.text).toContain('*Level:* `CRITICAL`')
  })

  test('a run that ends failed without an error event still alerts once; success does not', async () => {
    const alerter = createSlackAlerter({ webhook_url: webhook('ended') })
    alerter.jobStarted(job, runInfo('orders'))
    alerter.jobEnded({
      status: 'failed',
      message: 'Transform "clean" failed on record 7: x is undefined',
      job,
    })
    alerter.jobStarted(job, runInfo('orders'))
    alerter.jobEnded({ status: 'succeeded', job })
    await alerter.close()
    expect(alertsFor('ended')).toHaveLength(1)
    expect(alertsFor('ended')[0]!.text).toContain('Transform "clean" failed on record 7')
  })

  test('a failing or unreachable webhook never breaks the run; the failure is logged without the URL', async () => {
    const out = { text: '', write: (c: string) => (out.text += c) }
    const logger = createLogger({ stream: out, color: false })
    fail = true
    const alerter = createSlackAlerter({ webhook_url: webhook('down'), log_levels: ['WARNING'] }, { logger })
    logger.addSink(alerter.sink, alerter.minLevel)
    alerter.jobStarted(job, runInfo('orders'))
    expect(() => alerter.error({ stage: 'source', message: 'API down' })).not.toThrow()
    await alerter.close()
    fail = false
    const gone = createSlackAlerter(
      { webhook_url: 'http://127.0.0.1:9/hook/secret-token' },
      { logger, timeoutMs: 2000 },
    )
    gone.jobStarted(job, runInfo('orders'))
    gone.error({ stage: 'source', message: 'API down' })
    await gone.close()
    expect(out.text).toContain(
      'WARNING Failed to send alert to Slack: HTTP 500 internal error. Check alerting.config.webhook_url.',
    )
    expect(out.text.match(/Failed to send alert to Slack/g)).toHaveLength(2)
    expect(out.text).not.toContain('XYZsecretpart')
    expect(out.text).not.toContain('secret-token')
    expect(alertsFor('down')).toHaveLength(0)
  })

  test('a run warning in a loop sends at most maxAlerts, then one summary', async () => {
    const logger = createLogger({ stream: { write: () => true } })
    const alerter = createSlackAlerter(
      { webhook_url: webhook('flood'), log_levels: ['WARNING'] },
      { maxAlerts: 3 },
    )
    logger.addSink(alerter.sink, alerter.minLevel)
    alerter.jobStarted(job, runInfo('orders'))
    for (let i = 0; i < 10; i++) logger.warn(`Record ${i} has no id, skipped`)
    await alerter.close()
    const texts = alertsFor('flood').map((a) => /```(.*)```/s.exec(a.text)![1])
    expect(texts).toEqual([
      'Record 0 has no id, skipped',
      'Record 1 has no id, skipped',
      'Record 2 has no id, skipped',
      '7 more alert(s) of this run were not sent (at most 3 per run). See the logs.',
    ])
  })
})

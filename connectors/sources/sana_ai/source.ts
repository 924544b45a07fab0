/** The `sana_ai` source: start a report job, poll it, download its CSV, hand rows on page by page. */
import { BizonError } from '../../../src/errors.ts'
import { HttpClient } from '../../../src/http/client.ts'
import { clientOptions } from '../../../src/http/config.ts'
import { httpStatus } from '../../../src/http/http-error.ts'
import { excerpt } from '../../../src/http/redact.ts'
import { sleep } from '../../../src/http/retry.ts'
import type { Page, Pagination, Source, SourceContext } from '../../../src/index.ts'
import { parseCsv } from './csv.ts'
import type { SanaConfig } from './index.ts'

const COMPONENT = 'Source "sana_ai"'

type Json = Record<string, any>

export function createSanaSource(config: SanaConfig, ctx: SourceContext): Source {
  const base = (config.base_url ?? `https://${config.domain}.sana.ai/api/v1`).replace(/\/+$/, '')
  const options = {
    component: COMPONENT,
    ...clientOptions(config, ctx),
  }
  const api = new HttpClient({ ...options, authentication: config.authentication })
  // Signed download links (object storage) reject a second credential: they get no token.
  const download = new HttpClient({ ...options, extraSecrets: () => api.secrets() })
  let report: { jobId: string; rows: Record<string, string | null>[] } | undefined

  const fail = (what: string, hint: string) =>
    new BizonError('source', `${COMPONENT} could not read the report: ${what}. ${hint}`)

  function field(body: unknown, path: string[], what: string): unknown {
    const value = path.reduce<any>((at, key) => at?.[key], body)
    if (value === undefined || value === null)
      throw fail(
        `the answer has no ${path.join('.')} (${what}): "${excerpt(JSON.stringify(body), api.secrets())}"`,
        'Check source.base_url: it must be the Sana API root (…/api/v1).',
      )
    return value
  }

  async function startJob(): Promise<string> {
    const response = await api.request({
      method: 'POST',
      url: `${base}/reports/query`,
      json: { query: config.query, format: 'csv' },
      action: 'start a report job with',
      hint: 'Check source.query and source.authentication.',
    })
    const jobId = String(field(response.json(), ['data', 'jobId'], 'the report job id'))
    ctx.logger.info(`Started Sana report job ${jobId}`)
    return jobId
  }

  /** The job's answer, or null when the job no longer exists. */
  async function getJob(jobId: string): Promise<Json | null> {
    try {
      const response = await api.request({
        url: `${base}/reports/jobs/${encodeURIComponent(jobId)}`,
        action: 'check the report job at',
      })
      return response.json() as Json
    } catch (error) {
      if (httpStatus(error) === 404) return null
      throw error
    }
  }

  /** Polls until the job succeeded; returns the download link. */
  async function waitForLink(jobId: string): Promise<string | null> {
    const deadline = Date.now() + config.job_timeout * 1000
    for (;;) {
      const body = await getJob(jobId)
      if (body === null) return null
      const status = String(field(body, ['data', 'status'], 'the job status'))
      if (status === 'successful') return String(field(body, ['data', 'link', 'url'], 'the download link'))
      if (/^(failed|error|cancell?ed)$/i.test(status)) {
        const reason = body.data?.error ?? body.data?.message
        throw fail(
          `report job ${jobId} ended ${status}${reason ? `: ${excerpt(String(reason), api.secrets())}` : ''}`,
          'Check source.query.',
        )
      }
      if (Date.now() + config.poll_interval * 1000 > deadline)
        throw fail(
          `report job ${jobId} is still ${status} after ${config.job_timeout} s`,
          'Raise source.job_timeout or simplify source.query.',
        )
      ctx.logger.debug(`Sana report job ${jobId} is ${status}`)
      await sleep(config.poll_interval * 1000, ctx.signal)
    }
  }

  async function fetchRows(link: string): Promise<Record<string, string | null>[]> {
    const sameHost = new URL(link, base).origin === new URL(base).origin
    const response = await (sameHost ? api : download).request({
      url: new URL(link, base).toString(),
      headers: { Accept: 'text/csv' },
      action: 'download the report from',
    })
    try {
      return parseCsv(response.text)
    } catch (error) {
      throw fail(
        `the downloaded report is not valid CSV (${(error as Error).message})`,
        'Run again; if it persists, check source.query.',
      )
    }
  }

  /** The report of this job (or of a new one when it expired), downloaded once per instance. */
  async function load(
    pagination: Pagination,
  ): Promise<{ jobId: string; rows: Record<string, string | null>[] }> {
    const wanted = typeof pagination['job_id'] === 'string' ? pagination['job_id'] : undefined
    if (report && (wanted === undefined || wanted === report.jobId)) return report
    let jobId = wanted ?? (await startJob())
    let link = await waitForLink(jobId)
    if (link === null && wanted) {
      ctx.logger.warn(
        `Sana report job ${wanted} no longer exists: starting a new one and going on from the same row`,
      )
      jobId = await startJob()
      link = await waitForLink(jobId)
    }
    if (link === null) throw fail(`report job ${jobId} disappeared while it ran`, 'Run again.')
    report = { jobId, rows: await fetchRows(link) }
    return report
  }

  async function read(pagination: Pagination): Promise<Page> {
    const { jobId, rows } = await load(pagination)
    const start = Number(pagination['row'] ?? 0)
    const end = Math.min(rows.length, start + config.page_size)
    const records = rows.slice(start, end).map((data, i) => ({ id: String(start + i), data }))
    return { records, next: end < rows.length ? { job_id: jobId, row: end } : null }
  }

  return { read: ({ pagination }) => read(pagination) }
}

/** The `http` source: one request per page, records found at `records_path`, position kept in pagination. */

import { BizonError } from '../../../src/errors.ts'
import { HttpClient } from '../../../src/http/client.ts'
import { clientOptions } from '../../../src/http/config.ts'
import { getPath } from '../../../src/http/json-path.ts'
import { nextPosition, type PaginationStyle, pageRequest } from '../../../src/http/pagination.ts'
import { probe } from '../../../src/http/probe.ts'
import { redactUrl } from '../../../src/http/redact.ts'
import type { IncrementalInfo, Page, Source, SourceContext, SourceRecord } from '../../../src/index.ts'
import type { HttpConfig } from './index.ts'

/** Incremental state kept with the job: the highest `timestamp_field` value seen. */
interface HttpState {
  field: string
  value: unknown
}

export function createHttpSource(config: HttpConfig, ctx: SourceContext): Source {
  const client = new HttpClient({
    component: 'Source "http"',
    authentication: config.authentication,
    headers: config.headers,
    ...clientOptions(config, ctx),
    urlKey: 'url',
  })
  const style = config.pagination as PaginationStyle

  async function read(pagination: Record<string, unknown>, incremental?: IncrementalInfo): Promise<Page> {
    const { row: rowValue, seen: seenValue, ...position } = pagination
    const row = Number(rowValue ?? 0)
    const params = { ...config.params }
    if (config.incremental && incremental)
      params[config.incremental.param] = incrementalValue(config, incremental)
    const request = pageRequest(style, position, { url: config.url, params })
    const response = await client.request({
      method: config.method,
      url: request.url,
      params: request.params,
      json: config.body,
    })
    const body = response.json()
    const list = getPath(body, config.records_path)
    if (!Array.isArray(list)) {
      const got = list === undefined ? 'nothing' : list === null ? 'null' : `a ${typeof list}`
      throw new BizonError(
        'source',
        `Source "http" could not find records in the response of ${config.method} ${redactUrl(response.url, client.secrets())}: ` +
          `records_path "${config.records_path}" holds ${got}, not a list. Check source.records_path.`,
        { path: 'source.records_path' },
      )
    }
    // Start from the previous run's state so a run that finds nothing newer still hands it on.
    const previous = config.timestamp_field ? (incremental?.state as HttpState | undefined)?.value : undefined
    let seen = seenValue ?? previous
    const records = list.map((item, i): SourceRecord => {
      const data = item !== null && typeof item === 'object' && !Array.isArray(item) ? item : { value: item }
      const record: SourceRecord = { id: recordId(config, data, row + i + 1), data }
      if (config.timestamp_field) {
        const raw = getPath(data, config.timestamp_field)
        const at = toDate(raw)
        if (at) {
          record.timestamp = at
          const best = toDate(seen)
          if (!best || at > best) seen = raw
        }
      }
      return record
    })
    const next = nextPosition(style, position, {
      body,
      headers: response.headers,
      url: response.url,
      count: list.length,
    })
    const page: Page = {
      records,
      next: next && { ...next, row: row + list.length, ...(seen !== undefined && { seen }) },
    }
    if (config.timestamp_field && seen !== undefined)
      page.state = { field: config.timestamp_field, value: seen }
    return page
  }

  return {
    check: () => probe(() => read({})),
    read: ({ pagination, incremental }) => read(pagination, incremental),
  }
}

function recordId(config: HttpConfig, data: Record<string, unknown>, position: number): string | number {
  if (!config.id_field) {
    const id = data['id']
    return typeof id === 'string' || typeof id === 'number' ? id : position
  }
  const id = getPath(data, config.id_field)
  if (typeof id === 'string' || typeof id === 'number') return id
  throw new BizonError(
    'source',
    `Source "http" could not read the id of record ${position}: id_field "${config.id_field}" is ${id === undefined ? 'missing' : `a ${typeof id}`}. ` +
      'Check source.id_field.',
    { path: 'source.id_field' },
  )
}

/** The value of the incremental request parameter: the watermark, or the state when asked and present. */
function incrementalValue(config: HttpConfig, incremental: IncrementalInfo): string | number {
  const format = config.incremental!.format
  const state = incremental.state as HttpState | undefined
  const raw =
    config.incremental!.from === 'state' && state?.value !== undefined ? state.value : incremental.lastRun
  // A state string already in ISO form goes back verbatim: converting could drop sub-millisecond digits.
  if (format === 'iso' && typeof raw === 'string') return raw
  const at = toDate(raw) ?? incremental.lastRun
  if (format === 'unix') return Math.floor(at.getTime() / 1000)
  if (format === 'unix_ms') return at.getTime()
  return at.toISOString()
}

/** A Date from an ISO string, a Date, or unix seconds/milliseconds (numbers below 1e11 are seconds). */
export function toDate(value: unknown): Date | undefined {
  if (value instanceof Date) return value
  let ms: number | undefined
  if (typeof value === 'number') ms = value < 1e11 ? value * 1000 : value
  else if (typeof value === 'string' && /^\d+(\.\d+)?$/.test(value))
    ms = Number(value) < 1e11 ? Number(value) * 1000 : Number(value)
  else if (typeof value === 'string') ms = Date.parse(value)
  return ms === undefined || Number.isNaN(ms) ? undefined : new Date(ms)
}

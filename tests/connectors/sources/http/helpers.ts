/** Builds the `http` source the way the engine does (validated config + context) and drains it. */
import * as v from 'valibot'
import decl from '../../../../connectors/sources/http/index.ts'
import type { IncrementalInfo, Logger, Pagination, Source, SourceContext } from '../../../../src/index.ts'

export interface Logged {
  level: string
  message: string
}

export function recordingLogger(into: Logged[]): Logger {
  const log = (level: string) => (message: string) => into.push({ level, message })
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') }
}

export async function httpSource(
  config: Record<string, unknown>,
  options: { logs?: Logged[]; signal?: AbortSignal } = {},
): Promise<Source> {
  const parsed = v.parse(decl.config!, config)
  const ctx: SourceContext = {
    stream: 'items',
    syncMode: 'full_refresh',
    logger: recordingLogger(options.logs ?? []),
    baseDir: process.cwd(),
    signal: options.signal ?? new AbortController().signal,
  }
  return decl.create({ ...parsed, name: 'http', stream: 'items', sync_mode: 'full_refresh' } as never, ctx)
}

export interface Drained {
  ids: (string | number)[]
  pages: number
  paginations: Pagination[]
  state: unknown
}

/** Calls read() until the stream says it is exhausted, like the producer does. */
export async function drain(
  source: Source,
  start: Pagination = {},
  incremental?: IncrementalInfo,
): Promise<Drained> {
  const out: Drained = { ids: [], pages: 0, paginations: [], state: undefined }
  let pagination: Pagination | null = start
  while (pagination) {
    const page = await source.read({ stream: 'items', pagination, incremental })
    out.pages++
    out.ids.push(...page.records.map((r) => r.id))
    if (page.state !== undefined) out.state = page.state
    pagination = page.next && Object.keys(page.next).length > 0 ? page.next : null
    if (pagination) out.paginations.push(pagination)
    if (out.pages > 1000) throw new Error('pagination never ends')
  }
  return out
}

export const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i)

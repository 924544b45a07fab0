/** Opens a source declaration the way the engine does (validated config, context) and reads it to the end. */
import * as v from 'valibot'
import type {
  IncrementalInfo,
  Logger,
  Pagination,
  Source,
  SourceDeclaration,
  SyncMode,
} from '../../../src/index.ts'

export interface Logged {
  level: string
  message: string
}

export function recordingLogger(into: Logged[]): Logger {
  const log = (level: string) => (message: string) => into.push({ level, message })
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') }
}

export async function openSource(
  decl: SourceDeclaration,
  stream: string,
  config: Record<string, unknown>,
  options: {
    logs?: Logged[]
    syncMode?: SyncMode
    signal?: AbortSignal
    /** Common source keys the engine passes beside the connector's own (e.g. `init_pipeline`). */
    common?: Record<string, unknown>
  } = {},
): Promise<Source> {
  const syncMode = options.syncMode ?? 'full_refresh'
  const own = decl.config ? v.parse(decl.config, config) : {}
  return decl.create(
    { ...options.common, ...own, name: decl.name, stream, sync_mode: syncMode },
    {
      stream,
      syncMode,
      logger: recordingLogger(options.logs ?? []),
      baseDir: process.cwd(),
      signal: options.signal ?? new AbortController().signal,
    },
  )
}

export interface Drained {
  ids: (string | number)[]
  records: Record<string, unknown>[]
  pages: number
  paginations: Pagination[]
}

/** Calls read() until the stream is exhausted, like the producer does. */
export async function drain(
  source: Source,
  stream: string,
  start: Pagination = {},
  incremental?: IncrementalInfo,
): Promise<Drained> {
  const out: Drained = { ids: [], records: [], pages: 0, paginations: [] }
  let pagination: Pagination | null = start
  while (pagination) {
    const page = await source.read({ stream, pagination, incremental })
    out.pages++
    out.ids.push(...page.records.map((r) => r.id))
    out.records.push(...page.records.map((r) => r.data))
    pagination = page.next && Object.keys(page.next).length > 0 ? page.next : null
    if (pagination) out.paginations.push(JSON.parse(JSON.stringify(pagination)))
    if (out.pages > 10_000) throw new Error('pagination never ends')
  }
  return out
}

/**
 * Loads every example pipeline of a connector with the real config loader and a registry that has
 * the connector in it, whether or not connectors/index.ts lists it yet. Returns the source names used.
 */
export async function loadConnectorExamples(
  decl: SourceDeclaration,
  env: Record<string, string> = {},
): Promise<{ file: string; source: string }[]> {
  const { readdirSync } = await import('node:fs')
  const { join } = await import('node:path')
  const { registry } = await import('../../../src/cli/registry.ts')
  const { loadPipeline } = await import('../../../src/config/load.ts')
  const withDecl = { ...registry, sources: [...registry.sources.filter((s) => s.name !== decl.name), decl] }
  for (const [name, value] of Object.entries(env)) process.env[name] ??= value
  const folder = join(import.meta.dir, '../../../connectors/sources', decl.name, 'examples')
  const loaded = []
  for (const name of readdirSync(folder).filter((f) => /\.ya?ml$/.test(f))) {
    const file = join(folder, name)
    const pipeline = await loadPipeline(file, withDecl).catch((error) => {
      const issues = (error.issues ?? []).map(
        (i: { path: string; message: string }) => `\n  ${i.path}: ${i.message}`,
      )
      throw new Error(`${file}: ${error.message}${issues.join('')}`)
    })
    loaded.push({ file: name, source: pipeline.config.source.name })
  }
  return loaded
}

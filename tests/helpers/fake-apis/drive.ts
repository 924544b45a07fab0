/** Opens a source declaration the way the engine does (validated config, context), drains it, loads its examples. */
import { expect } from 'bun:test'
import { join } from 'node:path'
import * as v from 'valibot'
import { registry } from '../../../src/cli/registry.ts'
import { loadPipeline } from '../../../src/config/load.ts'
import type {
  IncrementalInfo,
  Logger,
  Pagination,
  Source,
  SourceDeclaration,
  SyncMode,
} from '../../../src/index.ts'
import { REPO } from '../cli.ts'

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
    cursorField?: string
    /** Common source keys the engine passes beside the connector's own (e.g. `init_pipeline`). */
    common?: Record<string, unknown>
  } = {},
): Promise<Source> {
  const syncMode = options.syncMode ?? 'full_refresh'
  const own = decl.config ? v.parse(decl.config, config) : {}
  return decl.create(
    {
      ...options.common,
      ...own,
      name: decl.name,
      stream,
      sync_mode: syncMode,
      cursor_field: options.cursorField,
    },
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
  /** The state returned with the last page that had one. */
  state?: unknown
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
    if (page.state !== undefined) out.state = page.state
    out.pages++
    out.ids.push(...page.records.map((r) => r.id))
    out.records.push(...page.records.map((r) => r.data))
    pagination = page.next && Object.keys(page.next).length > 0 ? page.next : null
    if (pagination) out.paginations.push(JSON.parse(JSON.stringify(pagination)))
    if (out.pages > 10_000) throw new Error('pagination never ends')
  }
  return out
}

/** The error a promise rejects with (fails the test when it resolves). */
export async function failure(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(Error)
  return error as Error
}

/** Absolute path of a connector's declaration, for `--custom-source` until it is registered. */
export const connectorIndex = (name: string) => join(REPO, 'connectors/sources', name, 'index.ts')

/**
 * Loads every example pipeline of a connector with the real config loader and a registry that has
 * the connector in it, whether or not connectors/index.ts lists it yet: `<file>: <source name>`, sorted.
 */
export async function loadExamples(
  decl: SourceDeclaration,
  env: Record<string, string> = {},
): Promise<string[]> {
  const withDecl = { ...registry, sources: [...registry.sources.filter((s) => s.name !== decl.name), decl] }
  for (const [name, value] of Object.entries(env)) process.env[name] ??= value
  const folder = join(REPO, 'connectors/sources', decl.name, 'examples')
  const loaded: string[] = []
  for (const name of [...new Bun.Glob('*.{yml,yaml}').scanSync({ cwd: folder })].sort()) {
    const file = join(folder, name)
    const pipeline = await loadPipeline(file, withDecl).catch((error) => {
      const issues = (error.issues ?? []).map(
        (i: { path: string; message: string }) => `\n  ${i.path}: ${i.message}`,
      )
      throw new Error(`${file}: ${error.message}${issues.join('')}`)
    })
    loaded.push(`${name}: ${pipeline.config.source.name}`)
  }
  return loaded
}

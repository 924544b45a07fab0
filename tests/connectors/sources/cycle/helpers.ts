/** Opens an API source the way the engine does (validated config + context), drains it, runs it via the CLI. */
import { expect } from 'bun:test'
import { join } from 'node:path'
import * as v from 'valibot'
import { registry } from '../../../../src/cli/registry.ts'
import { loadPipeline } from '../../../../src/config/load.ts'
import type {
  IncrementalInfo,
  Logger,
  Pagination,
  Source,
  SourceDeclaration,
  SyncMode,
} from '../../../../src/index.ts'
import { REPO } from '../../../helpers/cli.ts'

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
  options: { logs?: Logged[]; signal?: AbortSignal; syncMode?: SyncMode; cursorField?: string } = {},
): Promise<Source> {
  const parsed = v.parse(decl.config!, config)
  const syncMode = options.syncMode ?? 'full_refresh'
  return decl.create(
    { ...parsed, name: decl.name, stream, sync_mode: syncMode, cursor_field: options.cursorField },
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
  /** The state returned with the last page that had one. */
  state?: unknown
  data: Record<string, unknown>[]
  pages: number
  paginations: Pagination[]
}

/** Calls read() until the stream says it is exhausted, like the producer does. */
export async function drain(
  source: Source,
  stream: string,
  start: Pagination = {},
  incremental?: IncrementalInfo,
): Promise<Drained> {
  const out: Drained = { ids: [], data: [], pages: 0, paginations: [] }
  let pagination: Pagination | null = start
  while (pagination) {
    const page = await source.read({ stream, pagination, incremental })
    if (page.state !== undefined) out.state = page.state
    out.pages++
    out.ids.push(...page.records.map((r) => r.id))
    out.data.push(...page.records.map((r) => r.data))
    pagination = page.next && Object.keys(page.next).length > 0 ? page.next : null
    if (pagination) out.paginations.push(JSON.parse(JSON.stringify(pagination)))
    if (out.pages > 1000) throw new Error('pagination never ends')
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

/** Loads every example of a connector with the real loader and a registry that includes it. */
export async function loadExamples(decl: SourceDeclaration, env: Record<string, string>): Promise<string[]> {
  Object.assign(process.env, env)
  const withDecl = { ...registry, sources: [...registry.sources.filter((s) => s.name !== decl.name), decl] }
  const files = [
    ...new Bun.Glob('*.yml').scanSync({ cwd: join(REPO, 'connectors/sources', decl.name, 'examples') }),
  ]
  const names: string[] = []
  for (const file of files.sort()) {
    const loaded = await loadPipeline(join(REPO, 'connectors/sources', decl.name, 'examples', file), withDecl)
    names.push(`${file}: ${loaded.config.source.name}`)
  }
  return names
}

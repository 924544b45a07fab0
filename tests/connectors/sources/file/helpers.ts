/** Builds the `file` source as the engine does, in a temporary folder, and drains it. */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as v from 'valibot'
import decl from '../../../../connectors/sources/file/index.ts'
import type { IncrementalInfo, Pagination, Source, SourceRecord, SyncMode } from '../../../../src/index.ts'
import { type Logged, recordingLogger } from '../http/helpers.ts'

export function tempDir(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'bizon-file-'))
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) }
}

export async function fileSource(
  dir: string,
  config: Record<string, unknown>,
  options: { logs?: Logged[]; syncMode?: SyncMode } = {},
): Promise<Source> {
  const { cursor_field, ...own } = config
  const parsed = v.parse(decl.config!, own)
  const syncMode = options.syncMode ?? 'full_refresh'
  return decl.create(
    { ...parsed, cursor_field, name: 'file', stream: 'rows', sync_mode: syncMode } as never,
    {
      stream: 'rows',
      syncMode,
      logger: recordingLogger(options.logs ?? []),
      baseDir: dir,
      signal: new AbortController().signal,
    },
  )
}

export interface Drained {
  records: SourceRecord[]
  pages: number
  paginations: Pagination[]
  state: unknown
}

export async function drain(
  source: Source,
  start: Pagination = {},
  incremental?: IncrementalInfo,
): Promise<Drained> {
  const out: Drained = { records: [], pages: 0, paginations: [], state: undefined }
  let pagination: Pagination | null = start
  while (pagination) {
    const page = await source.read({ stream: 'rows', pagination, incremental })
    out.pages++
    out.records.push(...page.records)
    if (page.state !== undefined) out.state = page.state
    pagination = page.next && Object.keys(page.next).length > 0 ? JSON.parse(JSON.stringify(page.next)) : null
    if (pagination) out.paginations.push(pagination)
    if (out.pages > 100_000) throw new Error('pagination never ends')
  }
  return out
}

export const ndjson = (rows: unknown[]) => rows.map((row) => `${JSON.stringify(row)}\n`).join('')

/** The `file` source: walks the files in name order, a page at a time, keeping file + position as pagination. */
import { BizonError } from '../../../src/errors.ts'
import type {
  IncrementalInfo,
  Page,
  Pagination,
  Source,
  SourceContext,
  SourceRecord,
} from '../../../src/index.ts'
import { DataError } from './decode.ts'
import { type FileEntry, formatOf, isGlob, isGzip, listFiles, shortPath } from './files.ts'
import type { FileConfig } from './index.ts'
import { Live } from './live.ts'
import { type FileSpec, type Item, type Position, readItems, START, seekable } from './reader.ts'

/** Incremental state kept with the job: the newest file mtime read, or the highest cursor value. */
export interface FileState {
  mtime?: string
  cursor_field?: string
  cursor?: unknown
}

export function createFileSource(config: FileConfig, ctx: SourceContext): Source {
  const multi = isGlob(config.path)
  // The open file is kept between pages so gzip/JSON files are not decompressed again from the start.
  let live: Live | undefined

  async function read(pagination: Pagination, incremental?: IncrementalInfo): Promise<Page> {
    const cursorField = config.cursor_field ?? incremental?.cursorField
    const previous = (incremental?.state ?? undefined) as FileState | undefined
    let files = await listFiles(config.path, ctx.baseDir)
    if (!cursorField && incremental) {
      const since = previous?.mtime ? new Date(previous.mtime) : incremental.lastRun
      files = files.filter((file) => file.mtime > since)
    }
    const threshold = cursorField && incremental ? previous?.cursor : undefined
    // The highest value seen so far rides in the pagination so a resumed run still reports it.
    const tracking = ctx.syncMode === 'incremental'
    let seen: unknown = tracking
      ? (pagination['seen'] ?? (cursorField ? previous?.cursor : previous?.mtime))
      : undefined
    const records: SourceRecord[] = []
    const at = typeof pagination['file'] === 'string' ? pagination['file'] : undefined
    let index = at === undefined ? 0 : files.findIndex((file) => file.name >= at)
    if (index < 0) index = files.length
    let position: Position =
      files[index]?.name === at
        ? {
            offset: Number(pagination['offset'] ?? 0),
            row: Number(pagination['row'] ?? 0),
            line: Number(pagination['line'] ?? 0),
          }
        : START

    const page = (next: Pagination | null): Page => {
      const out: Page = { records, next: next && (seen === undefined ? next : { ...next, seen }) }
      if (seen !== undefined) {
        out.state = cursorField ? { cursor_field: cursorField, cursor: seen } : { mtime: seen }
      }
      return out
    }

    while (index < files.length) {
      const file = files[index]!
      const mtime = file.mtime.toISOString()
      if (tracking && !cursorField && (seen === undefined || mtime > String(seen))) seen = mtime
      const open = await openAt(file, position)
      try {
        for (;;) {
          if (records.length >= config.page_size) {
            open.position = position
            live = open
            return page(paginationOf(file.name, position))
          }
          const item = open.take() ?? (await nextItem(open, file))
          if (!item) break
          position = item.after
          if (item.problem) {
            problem(file, item, item.problem)
            continue
          }
          const data = item.data!
          if (cursorField) {
            const value = data[cursorField]
            const higher =
              value !== undefined && value !== null && (seen === undefined || compare(value, seen) > 0)
            if (tracking && higher) seen = value
            if (
              threshold !== undefined &&
              (value === undefined || value === null || compare(value, threshold) <= 0)
            )
              continue
          }
          const id = recordId(file, item, data)
          if (id !== undefined) records.push({ id, data })
        }
      } catch (error) {
        await open.close() // a failed run must not leave the file open
        throw error
      }
      await open.close()
      index++
      position = START
    }
    return page(null)
  }

  async function openAt(file: FileEntry, position: Position): Promise<Live> {
    const current = live
    live = undefined
    if (current && current.name === file.name && samePosition(current.position, position)) return current
    await current?.close()
    const spec: FileSpec = {
      path: file.path,
      format: formatOf(file.name, config.format),
      gzip: await isGzip(file.path),
      delimiter: config.delimiter,
    }
    if (seekable(spec) && position.offset > file.size) {
      throw new BizonError(
        'source',
        `Source "file" could not resume ${shortPath(file.path, ctx.baseDir)} at byte ${position.offset}: the file is now ${file.size} bytes (it changed since the last run). ` +
          'Run again with force_ignore_checkpoint: true to start over.',
      )
    }
    return new Live(file.name, position, readItems(spec, position))
  }

  async function nextItem(open: Live, file: FileEntry): Promise<Item | undefined> {
    try {
      return await open.fill()
    } catch (error) {
      if (error instanceof BizonError) throw error
      if (!(error instanceof DataError)) {
        // e.g. a damaged or truncated .gz file: the decompressor's error names no file
        const damaged = /inflate|unexpected end|incorrect header|invalid (block|stored|distance)|zlib/i.test(
          String(error),
        )
        throw new BizonError(
          'source',
          `Source "file" could not read ${shortPath(file.path, ctx.baseDir)}: ${error instanceof Error ? error.message : String(error)}${damaged ? ' (damaged gzip data)' : ''}. Check the file.`,
          { cause: error },
        )
      }
      throw new BizonError(
        'source',
        `Source "file" could not read ${shortPath(file.path, ctx.baseDir)} line ${error.line}: ${error.message}. Check source.path and source.format.`,
      )
    }
  }

  /** A bad record: stop with file, line and cause, or log and skip it (`on_error: skip`). */
  function problem(file: FileEntry, item: Item, cause: string): void {
    const name = shortPath(file.path, ctx.baseDir)
    const format = formatOf(file.name, config.format)
    const where =
      format === 'json'
        ? `element ${item.row} (line ${item.line})`
        : format === 'csv'
          ? `line ${item.line} (row ${item.row})`
          : `line ${item.line}`
    if (config.on_error === 'skip') {
      ctx.logger.warn(`Source "file" skipped ${name} ${where}: ${cause}.`)
      return
    }
    throw new BizonError(
      'source',
      `Source "file" could not read ${name} ${where}: ${cause}. Fix the record, or set source.on_error: skip to skip bad records.`,
    )
  }

  function recordId(file: FileEntry, item: Item, data: Record<string, unknown>): string | number | undefined {
    if (config.id_field) {
      const id = data[config.id_field]
      if (typeof id === 'string' || typeof id === 'number') return id
      problem(
        file,
        item,
        `id_field "${config.id_field}" is ${id === undefined ? 'missing' : 'not a string or number'}`,
      )
      return undefined
    }
    const n = formatOf(file.name, config.format) === 'ndjson' ? item.line : item.row
    return multi ? `${file.name}:${n}` : n
  }

  return {
    async check() {
      try {
        const files = await listFiles(config.path, ctx.baseDir)
        return files.length ? { ok: true } : { ok: false, detail: `No file matches ${config.path}.` }
      } catch (error) {
        return { ok: false, detail: error instanceof Error ? error.message : String(error) }
      }
    },
    read: ({ pagination, incremental }) => read(pagination, incremental),
    async close() {
      await live?.close()
      live = undefined
    },
  }
}

/** `{file, row}`, plus `offset` and `line` where a byte offset is known (uncompressed NDJSON/CSV). */
function paginationOf(file: string, position: Position): Pagination {
  if (position.offset === 0) return { file, row: position.row }
  return { file, offset: position.offset, row: position.row, line: position.line }
}

function samePosition(a: Position, b: Position): boolean {
  return a.offset === b.offset && a.row === b.row && a.line === b.line
}

/** Numbers compare as numbers, anything else as text (ISO dates sort correctly as text). */
function compare(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b
  const x = String(a)
  const y = String(b)
  return x < y ? -1 : x > y ? 1 : 0
}

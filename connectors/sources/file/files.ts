/** Finds the files of `path` (one file or a glob) in sorted order, with their modification times. */
import { stat } from 'node:fs/promises'
import { isAbsolute, relative, resolve, sep } from 'node:path'
import { BizonError } from '../../../src/errors.ts'

export type Format = 'ndjson' | 'json' | 'csv'

export interface FileEntry {
  /** Name relative to the glob's folder (the key kept in pagination). */
  name: string
  path: string
  mtime: Date
  size: number
}

const GLOB_CHARS = /[*?[\]{}]/

export function isGlob(pattern: string): boolean {
  return GLOB_CHARS.test(pattern)
}

export async function listFiles(pattern: string, baseDir: string): Promise<FileEntry[]> {
  const full = resolve(baseDir, pattern)
  if (!isGlob(pattern)) {
    const info = await stat(full).catch(() => undefined)
    if (!info?.isFile()) {
      throw new BizonError(
        'source',
        `Source "file" could not open ${full}: no such file. Check source.path.`,
        {
          path: 'source.path',
        },
      )
    }
    return [{ name: full.split(sep).at(-1)!, path: full, mtime: info.mtime, size: info.size }]
  }
  // Scan from the last folder before the first glob segment, so `../data/*.csv` and absolute paths work.
  const parts = full.split(sep)
  const firstGlob = parts.findIndex((part) => GLOB_CHARS.test(part))
  const root = parts.slice(0, firstGlob).join(sep) || sep
  const rest = parts.slice(firstGlob).join('/')
  const names: string[] = []
  const rootInfo = await stat(root).catch(() => undefined)
  if (rootInfo?.isDirectory()) {
    for await (const name of new Bun.Glob(rest).scan({ cwd: root, onlyFiles: true }))
      names.push(name.split(sep).join('/'))
  }
  names.sort()
  return Promise.all(
    names.map(async (name) => {
      const path = resolve(root, name)
      const info = await stat(path)
      return { name, path, mtime: info.mtime, size: info.size }
    }),
  )
}

/** The format from `format` or the extension (`.gz` looked through). */
export function formatOf(name: string, configured: Format | undefined): Format {
  if (configured) return configured
  const bare = name.toLowerCase().replace(/\.gz$/, '')
  if (bare.endsWith('.ndjson') || bare.endsWith('.jsonl')) return 'ndjson'
  if (bare.endsWith('.json')) return 'json'
  if (bare.endsWith('.csv')) return 'csv'
  throw new BizonError(
    'config',
    `Source "file" cannot tell the format of ${name} from its extension. Set source.format to ndjson, json or csv.`,
    { path: 'source.format' },
  )
}

/** Gzip is recognised by its magic bytes, whatever the file is called. */
export async function isGzip(path: string): Promise<boolean> {
  const head = await Bun.file(path).slice(0, 2).bytes()
  return head[0] === 0x1f && head[1] === 0x8b
}

export function shortPath(path: string, baseDir: string): string {
  const rel = relative(baseDir, path)
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path
}

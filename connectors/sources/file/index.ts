/** Source `file`: NDJSON, JSON arrays and CSV from one file or a glob, gzip or not, resumable mid-file. */
import { defineSource, v } from '../../../src/index.ts'

const d = v.description

export const FileConfig = v.object({
  path: v.pipe(
    v.string(),
    v.minLength(1),
    d(
      'A file or a glob (`data/*.csv`, `logs/**/*.ndjson.gz`), relative to the pipeline file. Files are read in name order.',
    ),
  ),
  format: v.pipe(
    v.optional(v.picklist(['ndjson', 'json', 'csv'])),
    d(
      '`ndjson` (one object per line), `json` (an array of objects) or `csv` (header row). Default: from the extension (.ndjson/.jsonl, .json, .csv, each optionally .gz).',
    ),
  ),
  id_field: v.pipe(
    v.optional(v.string()),
    d(
      'Field holding the record id. Default: the line number (NDJSON), row number (CSV) or element number (JSON), prefixed with `<file>:` for a glob.',
    ),
  ),
  page_size: v.pipe(
    v.optional(v.pipe(v.number(), v.integer(), v.minValue(1)), 2_000),
    d('Records per page; the position is checkpointed after each page.'),
  ),
  delimiter: v.pipe(v.optional(v.pipe(v.string(), v.length(1)), ','), d('CSV field separator.')),
  on_error: v.pipe(
    v.optional(v.picklist(['fail', 'skip']), 'fail'),
    d(
      'A bad record (malformed JSON, invalid UTF-8, control characters, too many CSV fields): `fail` stops the run naming file and line; `skip` logs a warning and goes on.',
    ),
  ),
})

export type FileConfig = v.InferOutput<typeof FileConfig> & { cursor_field?: string }

export default defineSource({
  name: 'file',
  summary:
    'Records from NDJSON, JSON or CSV files (one file or a glob, gzip detected); incremental by mtime or cursor_field.',
  // One stream whose name is the user's label: `*` means any name is accepted.
  streams: {
    '*': {
      incremental: true,
      description:
        'Any name. Incremental: files modified since the last run, or records whose cursor_field is above the last value seen.',
    },
  },
  config: FileConfig,
  docs: [
    'Files are read in name order, a page of `page_size` records at a time, streaming (memory stays',
    'flat whatever the file size). The pagination is `{file, offset, row, line}` for plain NDJSON and',
    'CSV (a resume seeks to the byte offset) and `{file, row}` for gzip files and JSON arrays (a resume',
    'skips that many records). Gzip is detected from the first bytes.',
    '',
    'CSV: the first row names the fields; numbers, `true`/`false` and empty cells (null) are typed,',
    'except numbers with leading zeros or too large for a double, which stay text; `""` is an empty',
    'string. Quoted fields may hold delimiters, `""` and newlines (RFC 4180).',
    '',
    'Incremental (`sync_mode: incremental`): with `cursor_field`, only records whose value is above the',
    'highest one seen by the previous run (numbers compare as numbers, other values as text, so ISO',
    'dates work; records without the field are left out); state `{cursor_field, cursor}`. Without it,',
    'only files modified after the newest modification time of the previous run (or, before any state',
    'exists, after its start); state `{mtime}`.',
  ].join('\n'),
  async create(config, ctx) {
    const { createFileSource } = await import('./source.ts')
    return createFileSource(config, ctx)
  },
})

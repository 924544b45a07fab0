/** `file`: newline-delimited JSON files, replaced atomically on full refresh, appended on incremental. */
import { defineDestination, v } from '../../../src/index.ts'

export const FileConfig = v.object({
  destination_id: v.optional(
    v.pipe(
      v.string(),
      v.minLength(1, 'Must not be empty.'),
      v.check((id) => !/[/\\]$/.test(id), 'Must name a file, not a folder (remove the trailing slash).'),
      v.check((id) => !id.includes('\0'), 'Must not contain a NUL character.'),
      v.description('Target file name without `.json`; default <source>_<stream>.'),
    ),
  ),
  format: v.pipe(
    v.optional(v.picklist(['json']), 'json'),
    v.description('Output format: `json` (one JSON object per line).'),
  ),
})
export type FileConfig = v.InferOutput<typeof FileConfig>

export default defineDestination({
  name: 'file',
  summary: 'Writes records as newline-delimited JSON to `<destination_id>.json`.',
  config: FileConfig,
  docs: [
    'The file is `<destination_id>.json` in the folder of the pipeline file (an absolute',
    '`destination_id` or one with folders is resolved from there; ids routed from records must stay',
    'inside that folder). Without `destination_id` it is `<source>_<stream>.json`.',
    '',
    'A full refresh writes `<id>_temp.json` and renames it over the file when the run ends, so readers',
    'see the old file or the new one, never a mix; a run without records publishes an empty file. An',
    'incremental run writes `<id>_incremental.json` and appends it to the file when the run ends',
    '(crash-safe: an interrupted append is redone, never doubled). `sync_mode: stream` appends to the',
    'file directly. Each line is the record envelope (`bizon_id`, `bizon_extracted_at`,',
    '`bizon_loaded_at`, `source_record_id`, `source_timestamp`, `source_data` as JSON text), or with',
    '`unnest: true` the record fields in the order of its `record_schemas` entry.',
  ].join('\n'),
  async create(_config, ctx) {
    const { createFileDestination } = await import('./destination.ts')
    return createFileDestination(ctx)
  },
})

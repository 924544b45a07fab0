/** Source `notion`: users, databases, data sources, pages and blocks (raw or markdown) from Notion (reference §9.8). */
import { apiEntries } from '../../../src/http/config.ts'
import { defineSource, v } from '../../../src/index.ts'

const d = v.description
const ids = (text: string) => v.pipe(v.optional(v.array(v.pipe(v.string(), v.minLength(1))), []), d(text))
const int = (min: number, max: number, fallback: number, text: string) =>
  v.pipe(v.optional(v.pipe(v.number(), v.integer(), v.minValue(min), v.maxValue(max)), fallback), d(text))

const NotionAuthentication = v.pipe(
  v.strictObject({
    type: v.pipe(v.picklist(['api_key', 'bearer']), d('A Notion integration token.')),
    params: v.pipe(
      v.strictObject({
        token: v.pipe(v.string(), v.minLength(1), d('The integration secret (`ntn_...`); use env://VAR.')),
        auth_method: v.pipe(v.optional(v.string(), 'Bearer'), d('Scheme written before the token.')),
        auth_header: v.pipe(v.optional(v.string(), 'Authorization'), d('Header that carries the token.')),
      }),
      d('`{token}`, optionally `auth_method`, `auth_header`.'),
    ),
  }),
  d('`{type: api_key, params: {token}}`: the internal integration secret, sent as `Bearer <token>`.'),
)

export const NotionConfig = v.object({
  authentication: NotionAuthentication,
  database_ids: ids('Databases to read (databases, data_sources, pages, blocks, blocks_markdown streams).'),
  page_ids: ids('Pages to read (pages, blocks, blocks_markdown streams).'),
  fetch_blocks_recursively: v.pipe(
    v.optional(v.boolean(), true),
    d('Read the children of blocks that have some (down to max_recursion_depth).'),
  ),
  max_recursion_depth: int(1, 100, 5, 'Levels of blocks read below a page; 1 = only its top-level blocks.'),
  page_size: int(1, 100, 100, 'Results per request (Notion allows at most 100).'),
  max_workers: int(1, 10, 3, 'Pages whose blocks are read in parallel in one iteration.'),
  database_filters: v.pipe(
    v.optional(v.record(v.string(), v.record(v.string(), v.unknown())), {}),
    d('Database id → a Notion query filter applied to the pages of that database.'),
  ),
  ...apiEntries({
    baseUrl: 'https://api.notion.com/v1',
    baseUrlText: 'API root.',
    rateLimit: 3,
    rateLimitText: 'Most requests per second; Notion allows an average of 3 per integration.',
    retry: { maxAttempts: 10, baseMs: 1000, maxMs: 60_000 },
  }),
})
export type NotionConfig = v.InferOutput<typeof NotionConfig>

const incremental = (description: string) => ({ incremental: true, description })

export default defineSource({
  name: 'notion',
  summary:
    'Notion users, databases, data sources, pages and blocks (raw or as markdown), incremental by edit time.',
  streams: {
    users: { description: 'Every user of the workspace.' },
    databases: incremental('The configured databases.'),
    data_sources: { description: 'Data sources of the configured databases, with their parent database.' },
    pages: incremental(
      'Pages of the configured databases (all their data sources), then the configured pages.',
    ),
    blocks: incremental('Blocks of the configured pages and database pages, read recursively, with lineage.'),
    blocks_markdown: incremental(
      'The same blocks as markdown: `{block_id, block_type, markdown, ..., block_raw}`.',
    ),
    all_pages: incremental('Every page shared with the integration (search).'),
    all_databases: incremental(
      'Every database shared with the integration (parents of searched data sources).',
    ),
    all_data_sources: { description: 'Every data source shared with the integration (search).' },
    all_blocks_markdown: incremental('Blocks as markdown of every page shared with the integration.'),
  },
  config: NotionConfig,
  docs: [
    'Notion API version `2025-09-03` (databases hold data sources). Requests are spaced by `rate_limit`',
    '(Notion: 3 per second on average); 429 (with `Retry-After`) and 5xx are retried with backoff.',
    'Each iteration is one unit of work (a database, one page of a query or search, `max_workers` pages',
    'of blocks) and its position is the pagination, so a killed run resumes where it stopped.',
    'A configured object that is not found (404: deleted, or not shared with the integration) is skipped',
    'with a warning; any other failure stops the run (upstream skipped every failure and lost data).',
    '',
    'Incremental (`sync_mode: incremental`): the first run reads everything; later runs read what was',
    'edited after the start of the previous succeeded run. pages, blocks, blocks_markdown: the',
    'configured databases queried with `last_edited_time after` (AND the configured filter) plus the',
    'configured pages edited since (upstream searched every shared page for pages and blocks, outside',
    '`database_ids`); all_pages, all_blocks_markdown: the search sorted by `last_edited_time`, newest',
    'first, stopping at the first older page; databases/all_databases: the parent databases of data',
    'sources edited since (only configured ones for databases). users, data_sources and',
    'all_data_sources are full refresh only.',
    '',
    'Blocks carry `parent_block_id`, `parent_input_database_id`, `parent_input_page_id`,',
    '`source_page_id`, `depth`, `block_order` and `page_order`. Child pages and child databases are not',
    'descended, except inline databases in the `blocks` stream; synced blocks whose original is not',
    'shared (404) are skipped.',
    '',
    'Tested against a local server implementing the documented endpoints, not the live API.',
  ].join('\n'),
  async create(config, ctx) {
    const { createNotionSource } = await import('./source.ts')
    return createNotionSource(config, ctx)
  },
})

/** Source `http`: a generic REST API described in YAML (URL, auth, records path, pagination, incremental). */
import { Authentication } from '../../../src/http/auth-schema.ts'
import { limitEntries } from '../../../src/http/config.ts'
import { defineSource, v } from '../../../src/index.ts'

const d = v.description
const stopOnEmpty = v.pipe(
  v.optional(v.boolean(), true),
  d('Stop at the first page without records (default true).'),
)
const name = (fallback: string, text: string) => v.pipe(v.optional(v.string(), fallback), d(text))

const Pagination = v.pipe(
  v.variant('type', [
    v.strictObject({ type: v.pipe(v.literal('none'), d('One request, no pagination.')) }),
    v.strictObject({
      type: v.pipe(v.literal('offset'), d('`?offset=N&limit=M`; stops at a page shorter than `limit`.')),
      offset_param: name('offset', 'Query parameter of the offset.'),
      limit_param: name('limit', 'Query parameter of the page size.'),
      limit: v.pipe(v.optional(v.pipe(v.number(), v.integer(), v.minValue(1)), 100), d('Records per page.')),
      start: v.pipe(v.optional(v.pipe(v.number(), v.integer()), 0), d('Offset of the first page.')),
      stop_on_empty: stopOnEmpty,
    }),
    v.strictObject({
      type: v.pipe(v.literal('page'), d('`?page=N`; stops at an empty page or one shorter than `size`.')),
      page_param: name('page', 'Query parameter of the page number.'),
      start: v.pipe(v.optional(v.pipe(v.number(), v.integer()), 1), d('Number of the first page.')),
      size_param: v.pipe(v.optional(v.string()), d('Query parameter of the page size, e.g. `per_page`.')),
      size: v.pipe(
        v.optional(v.pipe(v.number(), v.integer(), v.minValue(1))),
        d('Records per page, sent in `size_param`.'),
      ),
      stop_on_empty: stopOnEmpty,
    }),
    v.strictObject({
      type: v.pipe(
        v.literal('cursor'),
        d('A token in the body is sent back as a query parameter; stops when it is missing.'),
      ),
      cursor_path: v.pipe(
        v.string(),
        d('Dot path of the next-page token in the response body, e.g. `meta.next_cursor`.'),
      ),
      cursor_param: name('cursor', 'Query parameter the token is sent in.'),
      has_more_path: v.pipe(
        v.optional(v.string()),
        d('Dot path of a boolean "more pages" flag, e.g. `has_more`.'),
      ),
      stop_on_empty: stopOnEmpty,
    }),
    v.strictObject({
      type: v.pipe(v.literal('link_header'), d('Follows the `Link: <url>; rel="next"` response header.')),
      stop_on_empty: stopOnEmpty,
    }),
    v.strictObject({
      type: v.pipe(
        v.literal('next_url'),
        d('Follows a next-page URL (absolute or relative) found in the body.'),
      ),
      next_url_path: v.pipe(v.string(), d('Dot path of the next URL in the body, e.g. `links.next`.')),
      stop_on_empty: stopOnEmpty,
    }),
  ]),
  d('How pages follow each other: `{type: none | offset | page | cursor | link_header | next_url, ...}`.'),
)

const Incremental = v.strictObject({
  param: v.pipe(v.string(), d('Query parameter filled on incremental runs, e.g. `updated_since`.')),
  from: v.pipe(
    v.optional(v.picklist(['watermark', 'state']), 'watermark'),
    d('`watermark`: start of the last succeeded run; `state`: highest `timestamp_field` seen by it.'),
  ),
  format: v.pipe(
    v.optional(v.picklist(['iso', 'unix', 'unix_ms']), 'iso'),
    d('How the value is written: ISO-8601, unix seconds or unix milliseconds.'),
  ),
})

export const HttpConfig = v.object({
  url: v.pipe(v.string(), v.url(), d('URL of the first page.')),
  method: v.pipe(v.optional(v.picklist(['GET', 'POST']), 'GET'), d('HTTP method.')),
  headers: v.pipe(v.optional(v.record(v.string(), v.string()), {}), d('Headers sent with every request.')),
  params: v.pipe(
    v.optional(v.record(v.string(), v.union([v.string(), v.number(), v.boolean()])), {}),
    d('Query parameters sent with every request.'),
  ),
  body: v.pipe(v.optional(v.record(v.string(), v.unknown())), d('JSON body sent with every request (POST).')),
  authentication: v.optional(Authentication),
  records_path: v.pipe(
    v.optional(v.string(), ''),
    d("Dot path of the list of records in the body, e.g. `data.items`; '' when the body is the list."),
  ),
  id_field: v.pipe(
    v.optional(v.string()),
    d("Dot path of the record id; default the record's `id`, else its position in the stream."),
  ),
  timestamp_field: v.pipe(
    v.optional(v.string()),
    d('Dot path of the time the record changed (ISO date or unix time); its highest value is kept as state.'),
  ),
  pagination: v.optional(Pagination, { type: 'none' }),
  incremental: v.pipe(v.optional(Incremental), d('Request parameter filled on incremental runs.')),
  ...limitEntries({ rateLimit: undefined }),
})

export type HttpConfig = v.InferOutput<typeof HttpConfig>

export default defineSource({
  name: 'http',
  summary: 'Records from any JSON REST API: pagination, auth, retries, rate limit, incremental parameter.',
  // One stream whose name is the user's label: `*` means any name is accepted.
  streams: { '*': { incremental: true, description: 'Any name: it labels the records of `url`.' } },
  config: HttpConfig,
  docs: [
    'One request per page. `records_path` points at the list in the JSON body; each item becomes a',
    'record (a non-object item is wrapped as `{value}`). The page position is the pagination kept by',
    'the engine (`{offset}`, `{page}`, `{cursor}` or `{url}`, plus `row`, the records read so far), so a',
    'killed run resumes at the same page.',
    '',
    'Retries: 429, 5xx, timeouts and network errors are retried up to `retry.max_attempts` times with',
    'exponential backoff and full jitter; a `Retry-After` header (seconds or HTTP date) is honoured',
    'instead. Other statuses fail at once. A 401 with `oauth` fetches a new token once.',
    '',
    'Incremental: on incremental runs after the first, `incremental.param` is filled from the start of',
    'the previous succeeded run (`from: watermark`) or from the highest `timestamp_field` value it saw',
    '(`from: state`, returned as state `{field, value}`; the watermark is used until a state exists).',
    '',
    'Errors name the method, the URL (credentials and secret-looking query values masked as `***`),',
    'the status and the start of the body; token, password, client secret and cookie values are',
    'masked wherever they appear.',
  ].join('\n'),
  async create(config, ctx) {
    const { createHttpSource } = await import('./source.ts')
    return createHttpSource(config, ctx)
  },
})

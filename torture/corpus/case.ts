/** What a bad-input case is, and the valid pipeline the config cases break. */
import { stringify } from 'yaml'

export interface BadCase {
  /** Unique, kebab-case; also the corpus file name. */
  id: string
  group: string
  /** Files of the case folder; `p.yml` is the pipeline. */
  files: Record<string, string | Uint8Array>
  /** The command after `bizon` (default: run p.yml). */
  args?: string[]
  env?: Record<string, string>
  /** Accepted exit codes (2 config error, 1 run-time data error, 0 when bizon may accept it). */
  codes: number[]
  /** Text the error output must contain: the config path, file name or line. */
  mention?: string | RegExp
  /** Wall time limit (the process must never hang). */
  timeoutMs?: number
}

/** A valid pipeline touching every engine block, so unknown keys and wrong types can go anywhere. */
export function base(): Record<string, any> {
  return {
    name: 'bad',
    source: {
      name: 'synthetic',
      stream: 'records',
      sync_mode: 'full_refresh',
      records: 10,
      page_size: 5,
      sleep_ms: 0,
      max_iterations: 0,
      force_ignore_checkpoint: false,
    },
    destination: {
      name: 'file',
      config: {
        destination_id: 'out',
        buffer_size: 0,
        buffer_flush_timeout: 600,
        unnest: false,
        format: 'json',
      },
    },
    transforms: [{ label: 'keep', js: 'return data' }],
    engine: {
      backend: { type: 'sqlite', config: { database: 'bizon', syncCursorInDBEvery: 10 } },
      queue: { type: 'memory', config: { max_nb_messages: 1000 } },
      runner: { type: 'thread', log_level: 'INFO', config: { transform_timeout: 30, max_workers: 2 } },
    },
  }
}

/** Path `a.b[0].c` → keys. */
export function keysOf(path: string): (string | number)[] {
  return path
    .replace(/\[(\d+)\]/g, '.$1')
    .split('.')
    .map((k) => (/^\d+$/.test(k) ? Number(k) : k))
}

/** A copy of the base with `path` set to `value` (undefined deletes it). */
export function withValue(path: string, value: unknown, config = base()): Record<string, any> {
  const keys = keysOf(path)
  let node: any = config
  for (const key of keys.slice(0, -1)) node = node[key]
  const last = keys.at(-1)!
  if (value === undefined) delete node[last]
  else node[last] = value
  return config
}

export function yaml(config: unknown): string {
  return stringify(config, { lineWidth: 0 })
}

export function configCase(
  id: string,
  group: string,
  config: unknown,
  mention: string | RegExp,
  extra: Partial<BadCase> = {},
): BadCase {
  return { id, group, files: { 'p.yml': yaml(config) }, codes: [2], mention, ...extra }
}

export function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
}

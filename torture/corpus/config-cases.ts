/** Generated broken configs: unknown keys, wrong types, missing keys, bad references, bad names. */
import { type BadCase, base, configCase, slug, withValue, yaml } from './case.ts'

/** Every mapping of the base config (and of the optional blocks), for unknown keys. */
const MAPS = [
  '',
  'source',
  'destination',
  'destination.config',
  'transforms[0]',
  'engine',
  'engine.backend',
  'engine.backend.config',
  'engine.queue',
  'engine.queue.config',
  'engine.runner',
  'engine.runner.config',
]

const TYPOS: [string, string][] = [
  ['source.stream', 'source.stram'],
  ['source.sync_mode', 'source.sync_mod'],
  ['source.page_size', 'source.page_sise'],
  ['destination.config.buffer_size', 'destination.config.buffer_sise'],
  ['engine.runner', 'engine.runer'],
  ['transforms', 'transform'],
]

const STRINGS = [
  'name',
  'source.name',
  'source.stream',
  'destination.name',
  'destination.config.destination_id',
  'engine.backend.config.database',
  'transforms[0].label',
  'transforms[0].js',
]
const NUMBERS: [string, { int: boolean }][] = [
  ['source.records', { int: true }],
  ['source.page_size', { int: true }],
  ['source.sleep_ms', { int: true }],
  ['source.max_iterations', { int: true }],
  ['destination.config.buffer_size', { int: false }],
  ['destination.config.buffer_flush_timeout', { int: false }],
  ['engine.backend.config.syncCursorInDBEvery', { int: true }],
  ['engine.queue.config.max_nb_messages', { int: true }],
  ['engine.runner.config.transform_timeout', { int: false }],
  ['engine.runner.config.max_workers', { int: true }],
]
const BOOLEANS = ['source.force_ignore_checkpoint', 'destination.config.unnest']
const PICKLISTS: [string, string][] = [
  ['source.sync_mode', 'increment'],
  ['engine.backend.type', 'sqlit'],
  ['engine.queue.type', 'kafka'],
  ['engine.runner.type', 'threads'],
  ['engine.runner.log_level', 'LOUD'],
  ['destination.config.format', 'xml'],
]
const CONTAINERS: [string, unknown][] = [
  ['source', 'synthetic'],
  ['destination', [1, 2]],
  ['destination.config', 'out'],
  ['transforms', { label: 'x', js: 'return data' }],
  ['transforms[0]', 'return data'],
  ['engine', 5],
  ['engine.backend', 'sqlite'],
  ['engine.runner.config', []],
  // a list where a mapping belongs
  ['engine', []],
  ['engine.backend.config', []],
  ['destination.config', []],
  ['secrets', []],
]
const REQUIRED = [
  'name',
  'source',
  'destination',
  'source.name',
  'source.stream',
  'destination.name',
  'transforms[0].label',
  'engine.backend.type',
]

function wrongTypes(): BadCase[] {
  const cases: BadCase[] = []
  const add = (path: string, label: string, value: unknown) =>
    cases.push(configCase(`type-${slug(path)}-${label}`, 'wrong type', withValue(path, value), path))
  for (const path of STRINGS) {
    add(path, 'number', 123)
    add(path, 'list', ['a', 'b'])
    add(path, 'map', { k: 'v' })
    add(path, 'bool', true)
  }
  for (const [path, { int }] of NUMBERS) {
    add(path, 'quoted', '5')
    add(path, 'word', 'abc')
    add(path, 'list', [1])
    add(path, 'map', { a: 1 })
    add(path, 'bool', true)
    add(path, 'negative', -1)
    if (int) add(path, 'fraction', 1.5)
  }
  for (const path of BOOLEANS) {
    add(path, 'word', 'yes please')
    add(path, 'number', 1)
    add(path, 'list', [true])
  }
  for (const [path, typo] of PICKLISTS) {
    add(path, 'typo', typo)
    add(path, 'number', 5)
    add(path, 'list', ['thread'])
  }
  for (const [path, value] of CONTAINERS)
    add(path, Array.isArray(value) && !value.length ? 'empty-list' : 'container', value)
  return cases
}

function unknownKeys(): BadCase[] {
  const cases: BadCase[] = []
  for (const path of MAPS) {
    const key = path ? `${path}.bogus_key` : 'bogus_key'
    cases.push(configCase(`unknown-${slug(path || 'top')}`, 'unknown key', withValue(key, 1), key))
  }
  // optional blocks bizon only checks when present
  const monitoring = { type: 'datadog', config: { datadog_agent_host: '127.0.0.1', bogus_key: 1 } }
  cases.push(
    configCase(
      'unknown-monitoring-config',
      'unknown key',
      withValue('monitoring', monitoring),
      'monitoring.config.bogus_key',
    ),
  )
  const alerting = { type: 'slack', bogus_key: 1, config: { webhook_url: 'http://127.0.0.1:9/x' } }
  cases.push(
    configCase('unknown-alerting', 'unknown key', withValue('alerting', alerting), 'alerting.bogus_key'),
  )
  cases.push(
    configCase('unknown-secrets', 'unknown key', withValue('secrets', { vault: {} }), 'secrets.vault'),
  )
  for (const [real, typo] of TYPOS) {
    const config = base()
    const value = typo
      .split('.')
      .slice(0, -1)
      .reduce((n: any, k) => n[k], config)
    const realKey = real.split('.').at(-1)!
    value[typo.split('.').at(-1)!] = value[realKey]
    delete value[realKey]
    cases.push(
      configCase(
        `typo-${slug(typo)}`,
        'unknown key',
        config,
        new RegExp(`${typo.replace(/[.[\]]/g, '\\$&')}.*Did you mean "${realKey}"`),
      ),
    )
  }
  return cases
}

function missingKeys(): BadCase[] {
  return REQUIRED.map((path) =>
    configCase(`missing-${slug(path)}`, 'missing key', withValue(path, undefined), path),
  )
}

function references(): BadCase[] {
  const at = 'destination.config.destination_id'
  const ref = (
    id: string,
    value: unknown,
    mention: string | RegExp,
    path = at,
    env?: Record<string, string>,
  ) => configCase(`ref-${id}`, 'bad reference', withValue(path, value), mention, env ? { env } : {})
  return [
    ref(
      'env-unset',
      'env://TORTURE_NOT_SET',
      /destination_id.*TORTURE_NOT_SET|TORTURE_NOT_SET.*destination_id/,
    ),
    ref('file-missing', 'file://missing-secret.txt', 'missing-secret.txt'),
    ref('inline-unterminated', 'out-${env://HOME', at),
    ref('inline-unset', 'out-${env://TORTURE_NOT_SET}', 'TORTURE_NOT_SET'),
    ref('gsm', 'gsm://projects/p/secrets/s', 'gsm'),
    ref('env-in-number', 'env://TORTURE_WORD', 'source.page_size', 'source.page_size', {
      TORTURE_WORD: 'abc',
    }),
    ref(
      'env-in-backend',
      'env://TORTURE_NOT_SET',
      'engine.backend.config.database',
      'engine.backend.config.database',
    ),
    configCase(
      'ref-unknown-source',
      'bad reference',
      withValue('source.name', 'synthtic'),
      /synthtic.*synthetic/s,
    ),
    configCase(
      'ref-unknown-destination',
      'bad reference',
      withValue('destination.name', 'flie'),
      /flie.*file/s,
    ),
    configCase(
      'ref-unknown-stream',
      'bad reference',
      withValue('source.stream', 'recods'),
      /recods.*records/s,
    ),
    configCase(
      'ref-incremental-unsupported',
      'bad reference',
      withValue('source', { name: 'dummy', stream: 'creatures', sync_mode: 'incremental' }),
      /creatures.*incremental|incremental.*creatures/s,
    ),
    configCase('ref-stream-unsupported', 'bad reference', withValue('source.sync_mode', 'stream'), /stream/),
    configCase(
      'ref-source-file-missing',
      'bad reference',
      withValue('source.source_file_path', './nope.ts'),
      'nope.ts',
    ),
    configCase(
      'ref-python-transform',
      'bad reference',
      withValue('transforms[0]', { label: 'py', python: 'data' }),
      /py.*js|python/,
    ),
    configCase('ref-transform-syntax', 'bad reference', withValue('transforms[0].js', 'return {'), /keep/),
    {
      id: 'ref-custom-source-missing',
      group: 'bad reference',
      files: { 'p.yml': yaml(base()) },
      args: ['run', 'p.yml', '--custom-source', './nope.ts'],
      codes: [2],
      mention: 'nope.ts',
    },
    {
      id: 'ref-custom-destination-throws',
      group: 'bad reference',
      files: { 'p.yml': yaml(base()), 'dest.ts': "throw new Error('import-time failure')\n" },
      args: ['run', 'p.yml', '--custom-destination', './dest.ts'],
      codes: [2],
      mention: /dest\.ts.*import-time failure/,
    },
    {
      id: 'cli-missing-file',
      group: 'bad reference',
      files: {},
      args: ['run', 'nope.yml'],
      codes: [2],
      mention: 'nope.yml',
    },
    {
      id: 'cli-dir-as-file',
      group: 'bad reference',
      files: { 'd/x': '' },
      args: ['run', 'd'],
      codes: [2],
      mention: 'd',
    },
    {
      id: 'cli-bad-runner',
      group: 'bad reference',
      files: { 'p.yml': yaml(base()) },
      args: ['run', 'p.yml', '--runner', 'fast'],
      codes: [2],
      mention: 'fast',
    },
    {
      id: 'cli-bad-log-level',
      group: 'bad reference',
      files: { 'p.yml': yaml(base()) },
      args: ['run', 'p.yml', '--log-level', 'LOUD'],
      codes: [2],
      mention: 'LOUD',
    },
    {
      id: 'cli-env-file-missing',
      group: 'bad reference',
      files: { 'p.yml': yaml(base()) },
      args: ['run', 'p.yml', '--env-file', 'nope.env'],
      codes: [2],
      mention: 'nope.env',
    },
  ]
}

export function configCases(): BadCase[] {
  return [...unknownKeys(), ...wrongTypes(), ...missingKeys(), ...references()]
}

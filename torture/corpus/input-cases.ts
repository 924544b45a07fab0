/** Generated broken inputs: invalid YAML, huge values, unicode, path traversal, bad transforms, bad data files. */
import { gzipSync } from 'node:zlib'
import { type BadCase, base, configCase, withValue, yaml } from './case.ts'

const VALID = yaml(base())

function raw(
  id: string,
  group: string,
  text: string | Uint8Array,
  mention: string | RegExp,
  codes = [2],
): BadCase {
  return { id, group, files: { 'p.yml': text }, codes, mention }
}

function invalidYaml(): BadCase[] {
  const lol = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
  for (let i = 1; i < 10; i++) {
    const prev = String.fromCharCode(96 + i)
    const next = String.fromCharCode(97 + i)
    lol.push(
      `${next}: &${next} [*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev}]`,
    )
  }
  return [
    raw('yaml-unclosed-quote', 'invalid yaml', VALID.replace('name: bad', 'name: "bad'), /p\.yml:\d+/),
    raw(
      'yaml-bad-indent',
      'invalid yaml',
      VALID.replace('  stream: records', '    stream: records\n  x'),
      /p\.yml:\d+/,
    ),
    raw(
      'yaml-tab-indent',
      'invalid yaml',
      VALID.replace('  stream: records', '\tstream: records'),
      /p\.yml:\d+/,
    ),
    raw(
      'yaml-duplicate-key',
      'invalid yaml',
      VALID.replace('  stream: records', '  stream: records\n  stream: other'),
      /p\.yml:\d+:\d+.*unique/,
    ),
    raw('yaml-top-level-list', 'invalid yaml', '- name: bad\n- source: {}\n', 'p.yml'),
    raw('yaml-empty-file', 'invalid yaml', '', 'p.yml'),
    raw('yaml-only-comment', 'invalid yaml', '# nothing here\n', 'p.yml'),
    raw('yaml-scalar', 'invalid yaml', 'just a string\n', 'p.yml'),
    raw('yaml-unclosed-flow', 'invalid yaml', `${VALID}extra: {a: 1\n`, /p\.yml:\d+/),
    raw('yaml-colons', 'invalid yaml', ': : :\n', /p\.yml/),
    raw(
      'yaml-binary-garbage',
      'invalid yaml',
      new Uint8Array([0, 1, 2, 0xff, 0xfe, 0x80, 10, 0x1b, 0]),
      'p.yml',
    ),
    raw(
      'yaml-alias-bomb',
      'invalid yaml',
      `${VALID}bomb:\n${lol.map((l) => `  ${l}`).join('\n')}\n`,
      /p\.yml/,
    ),
    raw('yaml-undefined-alias', 'invalid yaml', VALID.replace('name: bad', 'name: *nope'), /p\.yml:\d+/),
    raw('yaml-utf16', 'invalid yaml', new Uint8Array(Buffer.from(`\ufeff${VALID}`, 'utf16le')), 'p.yml'),
    raw(
      'yaml-nul-in-key',
      'invalid yaml',
      VALID.replace('  stream: records', '  str\0eam: records'),
      /p\.yml/,
    ),
    raw(
      'yaml-error-after-2mb',
      'invalid yaml',
      `${'# padding\n'.repeat(200_000)}${VALID}  oops: [\n`,
      /p\.yml:\d{6}/,
    ),
  ]
}

function hugeValues(): BadCase[] {
  let deep: unknown = 1
  for (let i = 0; i < 400; i++) deep = { a: deep }
  return [
    configCase('huge-deep-unknown', 'huge value', withValue('source.bogus_key', deep), 'source.bogus_key'),
    configCase(
      'huge-records-infinity',
      'huge value',
      withValue('source.records', Number.POSITIVE_INFINITY),
      'source.records',
    ),
    configCase(
      'huge-timeout-tiny',
      'huge value',
      withValue('engine.runner.config.transform_timeout', 1e-300),
      'transform_timeout',
    ),
    configCase('huge-name-1mb', 'huge value', withValue('name', 'n'.repeat(1 << 20)), 'name', {
      codes: [0, 2],
    }),
    configCase('huge-page-size', 'huge value', withValue('source.page_size', 1e20), 'page_size', {
      codes: [0, 2],
    }),
    configCase(
      'huge-buffer',
      'huge value',
      withValue('destination.config.buffer_size', 1e308),
      'buffer_size',
      { codes: [0, 2] },
    ),
    configCase(
      'huge-destination-id',
      'huge value',
      withValue('destination.config.destination_id', 'o'.repeat(5000)),
      /destination_id|name too long/i,
      { codes: [1, 2] },
    ),
    configCase(
      'huge-transform-list',
      'huge value',
      withValue(
        'transforms',
        Array.from({ length: 2000 }, (_, i) => ({ label: `t${i}`, js: 'return data' })),
      ),
      '',
      { codes: [0] },
    ),
    configCase(
      'huge-unknown-string',
      'huge value',
      withValue('source.bogus_key', 'x'.repeat(1 << 20)),
      'source.bogus_key',
    ),
  ]
}

function unicode(): BadCase[] {
  const renamed = (from: string, to: string) => VALID.replace(from, to)
  return [
    configCase('unicode-name', 'unicode', withValue('name', 'pipé-🚀-名前'), '', { codes: [0] }),
    configCase(
      'unicode-destination-id',
      'unicode',
      withValue('destination.config.destination_id', 'sortie-😀'),
      '',
      { codes: [0] },
    ),
    raw('unicode-key-accent', 'unicode', renamed('source:', 'sourcé:'), 'sourcé'),
    raw(
      'unicode-zero-width-key',
      'unicode',
      renamed('  stream: records', '  str\u200beam: records'),
      /str\u200beam|source\.str/,
    ),
    configCase(
      'unicode-rtl-override',
      'unicode',
      withValue('source.stream', 'rec\u202eords'),
      'source.stream',
    ),
    raw('unicode-bom', 'unicode', `\ufeff${VALID}`, '', [0]),
    configCase(
      'unicode-sync-mode-homoglyph',
      'unicode',
      withValue('source.sync_mode', 'full_rеfresh'),
      'source.sync_mode',
    ),
  ]
}

/** Traversal cases run in <case>/a/b/c, so `../../..` still lands in the case folder and can be checked. */
function traversal(): BadCase[] {
  return [
    configCase(
      'traversal-source-file-path',
      'path traversal',
      withValue('source.source_file_path', '../../../../../../etc/passwd'),
      'source_file_path',
    ),
    configCase(
      'traversal-nul-in-id',
      'path traversal',
      withValue('destination.config.destination_id', 'out\0../../x'),
      'destination_id',
    ),
    configCase(
      'traversal-id-folder',
      'path traversal',
      withValue('destination.config.destination_id', 'dir/'),
      'destination_id',
    ),
    configCase(
      'traversal-empty-id',
      'path traversal',
      withValue('destination.config.destination_id', ''),
      'destination_id',
    ),
    {
      id: 'traversal-custom-destination',
      group: 'path traversal',
      files: { 'p.yml': VALID },
      args: ['run', 'p.yml', '--custom-destination', '../../../../../../../etc/hosts'],
      codes: [2],
      mention: 'hosts',
    },
    fileSource(
      'traversal-file-source',
      'path traversal',
      '../../../../../../../../etc/passwd',
      {},
      /passwd/,
      [1],
      { format: 'ndjson' },
    ),
  ]
}

function transforms(): BadCase[] {
  const t = (id: string, js: string, mention: string | RegExp, codes = [1], timeout?: number) => {
    const config = withValue('transforms[0]', { label: `t_${id}`, js })
    if (timeout) config.engine.runner.config.transform_timeout = timeout
    return configCase(`transform-${id}`, 'transform', config, mention, { codes, timeoutMs: 20_000 })
  }
  return [
    t('throws', "throw new Error('boom')", /t_throws.*boom|boom.*t_throws/s),
    t('undefined-var', 'return nope.x', /t_undefined-var/),
    t('loops', 'while (true) {}', /t_loops/, [1], 1),
    t(
      'loops-slowly',
      'const end = Date.now() + 60000; while (Date.now() < end) {} return data',
      /t_loops-slowly/,
      [1],
      1,
    ),
    t('returns-number', 'return 5', /t_returns-number/, [0, 1]),
    t('deep-recursion', 'const f = (n) => f(n + 1); return f(0)', /t_deep-recursion/),
    t('syntax', 'return {{', /t_syntax/, [2]),
    t('async', 'return Promise.resolve(data)', /t_async/, [0, 1]),
  ]
}

function fileSource(
  id: string,
  group: string,
  path: string,
  files: Record<string, string | Uint8Array>,
  mention: string | RegExp,
  codes: number[],
  extra: Record<string, unknown> = {},
): BadCase {
  const config = base()
  config.source = { name: 'file', stream: 'items', path, page_size: 2, ...extra }
  return { id, group, files: { 'p.yml': yaml(config), ...files }, codes, mention }
}

/** `file:3` or `file line 3`: either names the place. */
const LINE3 = /in\.ndjson(:| line )3\b/

function badData(): BadCase[] {
  const ok = '{"id": 1, "v": "a"}\n{"id": 2, "v": "b"}\n'
  const bytes = (...parts: (string | number[])[]) =>
    Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p))))
  const data = (
    id: string,
    name: string,
    content: string | Uint8Array,
    mention: string | RegExp,
    codes = [1],
    extra = {},
  ) => fileSource(`data-${id}`, 'bad data', name, { [name]: content }, mention, codes, extra)
  return [
    data('malformed-json', 'in.ndjson', `${ok}{"id": 3, "v": }\n`, LINE3),
    data('control-char', 'in.ndjson', `${ok}{"id": 3, "v": "a\u0001b"}\n`, LINE3),
    data('invalid-utf8', 'in.ndjson', bytes(ok, '{"id": 3, "v": "', [0xff, 0xfe, 0xc3], '"}\n'), LINE3),
    data('nul-bytes', 'in.ndjson', bytes(ok, [0, 0, 0], '\n'), LINE3),
    data('not-an-object', 'in.ndjson', `${ok}[1, 2, 3]\n`, LINE3, [0, 1]),
    data('truncated-array', 'in.json', '[{"id": 1}, {"id": 2', /in\.json/),
    data('corrupt-gzip', 'in.ndjson.gz', bytes([0x1f, 0x8b, 8, 0, 1, 2, 3, 4, 5, 6, 7]), /in\.ndjson\.gz/),
    data('truncated-gzip', 'in.ndjson.gz', gzipSync(ok.repeat(50)).subarray(0, 40), /in\.ndjson\.gz/),
    data('csv-ragged', 'in.csv', 'id,v\n1,a\n2,b,extra\n', /in\.csv(:| line )3/),
    data('empty-file', 'in.ndjson', '', '', [0]),
    data('huge-record', 'in.ndjson', `{"id": 1, "blob": "${'x'.repeat(20 << 20)}"}\n`, '', [0, 1]),
    data('huge-line-garbage', 'in.ndjson', `${'{'.repeat(5 << 20)}\n`, /in\.ndjson(:| line )1/),
    data('skip-malformed', 'in.ndjson', `${ok}{bad\n{"id": 4}\n`, '', [0], { on_error: 'skip' }),
    data('missing-file', 'none.ndjson', ok, /none-at-all\.ndjson/, [1, 2], { path: 'none-at-all.ndjson' }),
  ]
}

export function inputCases(): BadCase[] {
  return [...invalidYaml(), ...hugeValues(), ...unicode(), ...traversal(), ...transforms(), ...badData()]
}

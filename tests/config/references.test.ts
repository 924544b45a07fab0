import { describe, expect, test } from 'bun:test'
import { parseEnv } from '../../src/config/env-file.ts'
import { literalSecrets, maskUrlPassword, redactConfig } from '../../src/config/redact.ts'
import { applyLegacyEnv, collectReferences, resolveReferences } from '../../src/config/references.ts'
import { tempDir } from '../helpers/tmp.ts'

describe('references', () => {
  test('whole-value and inline references resolve; other schemes and transform code are left alone', async () => {
    const dir = tempDir()
    await Bun.write(`${dir}/token.txt`, 'from-file\n')
    process.env.BIZON_UNIT_A = 'alpha'
    const { value, secrets, problems } = resolveReferences(
      {
        a: 'env://BIZON_UNIT_A',
        b: 'Bearer ${env://BIZON_UNIT_A} and ${ file://token.txt }',
        c: ['file://token.txt', 'https://example.com', 'postgresql://u@h/db'],
        transforms: [{ label: 't', js: 'return `${data.x}`' }],
      },
      dir,
    )
    expect(problems).toEqual([])
    expect(value).toEqual({
      a: 'alpha',
      b: 'Bearer alpha and from-file',
      c: ['from-file', 'https://example.com', 'postgresql://u@h/db'],
      transforms: [{ label: 't', js: 'return `${data.x}`' }],
    })
    expect(secrets.sort()).toEqual(['alpha', 'from-file'])
  })

  test('problems name the path and the reason', () => {
    const { problems } = resolveReferences({ x: { y: ['env://BIZON_UNIT_MISSING', '${nope}'] } }, '/')
    expect(problems.map((p) => [p.path.join('.'), p.message])).toEqual([
      ['x.y.0', "Failed to resolve reference: environment variable 'BIZON_UNIT_MISSING' is not set"],
      [
        'x.y.1',
        "Failed to resolve reference: Malformed reference token '${nope}'. Expected '${<scheme>://<path>}'.",
      ],
    ])
  })

  test('legacy BIZON_ENV_ values: in mappings only, missing → null', () => {
    process.env.BIZON_ENV_UNIT = 'legacy'
    expect(
      applyLegacyEnv({ a: 'BIZON_ENV_UNIT', b: { c: 'BIZON_ENV_UNIT_NOPE' }, l: ['BIZON_ENV_UNIT'] }),
    ).toEqual({
      a: 'legacy',
      b: { c: null },
      l: ['BIZON_ENV_UNIT'],
    })
  })

  test('collectReferences lists without resolving', () => {
    expect(
      collectReferences({ a: 'env://X', b: 'x ${file://y} ${env://Z}', transforms: ['env://NO'] }),
    ).toEqual([
      { path: ['a'], reference: 'env://X' },
      { path: ['b'], reference: 'file://y' },
      { path: ['b'], reference: 'env://Z' },
    ])
  })
})

describe('.env and redaction', () => {
  test('parseEnv handles export, quotes, comments and escapes', () => {
    expect(
      parseEnv('export A=1\nB="two words"\nC=\'x#y\'\nD=plain # note\n# comment\nE="l1\\nl2"\n'),
    ).toEqual({
      A: '1',
      B: 'two words',
      C: 'x#y',
      D: 'plain',
      E: 'l1\nl2',
    })
  })

  test('redacted config keeps references, masks literal secrets and URL passwords', () => {
    const raw = {
      source: { password: 'hunter2', token: 'env://TOKEN', url: 'postgres://u:pw123@h/db', page_size: 5 },
    }
    expect(redactConfig(raw)).toEqual({
      source: { password: '***', token: 'env://TOKEN', url: 'postgres://u:***@h/db', page_size: 5 },
    })
    expect(literalSecrets(raw)).toEqual(['hunter2', 'pw123'])
    expect(maskUrlPassword('nats://a:b@c:4222')).toBe('nats://a:***@c:4222')
  })
})

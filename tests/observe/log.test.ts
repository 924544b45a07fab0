import { describe, expect, test } from 'bun:test'
import { createLogger, type LogRecord, parseLogLevel, redact } from '../../src/observe/log.ts'

function capture(isTTY = false) {
  const out = { text: '', isTTY, write: (chunk: string) => (out.text += chunk) }
  return out
}

describe('redact', () => {
  test('masks every occurrence of every secret, longest first, and URL-encoded forms', () => {
    expect(redact('pw=hunter2 again hunter2', ['hunter2'])).toBe('pw=*** again ***')
    expect(redact('https://x/?k=a%2Fb%3Dc', ['a/b=c'])).toBe('https://x/?k=***')
    expect(redact('token abcdef', ['abc', 'abcdef'])).toBe('token ***')
  })
  test('ignores empty and very short values that would mangle every line', () => {
    expect(redact('a b c', ['', 'a', 'bc'])).toBe('a b c')
  })
})

describe('createLogger', () => {
  test('--log-format json writes one object per line with pipeline/job/stream fields', () => {
    const out = capture()
    const logger = createLogger({
      format: 'json',
      stream: out,
      fields: { pipeline: 'orders', stream: 'items' },
    })
    logger.withTag('source').withFields({ job: 'abc123' }).info('Read page 3', { records: 10 })
    logger.warn('slow')
    const lines = out.text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
    expect(lines).toHaveLength(2)
    expect(lines[0]).toMatchObject({
      level: 'INFO',
      message: 'Read page 3 {"records":10}',
      tag: 'source',
      pipeline: 'orders',
      stream: 'items',
      job: 'abc123',
    })
    expect(Date.parse(lines[0].time)).toBeGreaterThan(0)
    expect(lines[1]).toMatchObject({ level: 'WARNING', message: 'slow', pipeline: 'orders' })
  })

  test('levels filter what is printed', () => {
    const out = capture()
    const logger = createLogger({ level: 'WARNING', stream: out, color: false })
    logger.debug('hidden debug')
    logger.info('hidden info')
    logger.warn('shown warning')
    logger.error('shown error')
    logger.critical('shown critical')
    expect(out.text).not.toContain('hidden')
    expect(out.text).toMatch(/^\d\d:\d\d:\d\d WARNING shown warning$/m)
    expect(out.text).toMatch(/ERROR {3}shown error$/m)
    expect(out.text).toMatch(/CRITICAL shown critical$/m)
    const trace = capture()
    createLogger({ level: 'TRACE', stream: trace, color: false }).trace('very fine')
    expect(trace.text).toContain('TRACE   very fine')
  })

  test('text lines show the tag; secrets added later are masked too', () => {
    const out = capture()
    const logger = createLogger({ stream: out, color: false, secrets: ['first-secret'] })
    logger.addSecrets(['second-secret'])
    logger
      .withTag('destination')
      .withTag('file')
      .error('failed with first-secret and second-secret', new Error('boom'))
    expect(out.text).toContain('[destination:file] failed with *** and *** boom')
  })

  test('sinks receive records at their own minimum level, whatever the console level', () => {
    const out = capture()
    const logger = createLogger({ level: 'ERROR', stream: out, color: false, secrets: ['s3cret'] })
    const seen: LogRecord[] = []
    const remove = logger.addSink((r) => seen.push(r), 'WARNING')
    logger.withFields({ job: 'j1' }).info('not for the sink')
    logger.warn('disk almost full, key s3cret')
    remove()
    logger.warn('after removal')
    expect(seen.map((r) => [r.level, r.message, r.fields.job])).toEqual([
      ['WARNING', 'disk almost full, key ***', undefined],
    ])
    expect(out.text).toBe('')
  })

  test('a throwing sink does not break logging', () => {
    const out = capture()
    const logger = createLogger({ stream: out, color: false })
    logger.addSink(() => {
      throw new Error('sink down')
    })
    logger.info('still printed')
    expect(out.text).toContain('still printed')
  })

  test('a live line is cleared before a log line and redrawn after', () => {
    const out = capture(true)
    const logger = createLogger({ stream: out, color: false })
    logger.attachLiveLine({ clear: () => out.write('<clear>'), redraw: () => out.write('<redraw>') })
    logger.info('hello')
    expect(out.text).toMatch(/^<clear>\d\d:\d\d:\d\d INFO {4}hello\n<redraw>$/)
  })

  test('parseLogLevel accepts upstream spellings', () => {
    expect(parseLogLevel('warn')).toBe('WARNING')
    expect(parseLogLevel('debug')).toBe('DEBUG')
    expect(parseLogLevel('fatal')).toBe('CRITICAL')
    expect(parseLogLevel('loud')).toBeNull()
  })
})

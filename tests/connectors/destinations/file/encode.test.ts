/** The file destination's fast JSON quoting must give exactly what JSON.stringify gives. */
import { describe, expect, test } from 'bun:test'
import { EnvelopeEncoder, quoteJson, quoteShort } from '../../../../connectors/destinations/file/encode.ts'

const tricky = [
  '',
  '42',
  'a-b_c.d:e/f@g',
  'say "hi"',
  'back\\slash',
  'tab\there',
  'line\nbreak',
  '\u0000\u001f',
  '\u007f delete',
  'café',
  '日本語',
  'emoji 😀',
  'lone \ud800 surrogate',
  'x'.repeat(64),
  `${'y'.repeat(64)}"`,
  'z'.repeat(65),
]

describe('file destination quoting', () => {
  test('quoteShort is JSON.stringify for ids of every kind', () => {
    for (const text of tricky) expect(quoteShort(text)).toBe(JSON.stringify(text))
  })

  test('quoteJson is JSON.stringify for JSON texts short and long', () => {
    const values = [
      { a: 1 },
      { s: 'say "hi" \\ back', n: null, u: 'café 😀' },
      { long: 'q"'.repeat(400), nested: { arr: [1, '"', '\\'] } },
      { long: 'plain'.repeat(200) },
      'just a "string"',
    ]
    for (const value of values) {
      const text = JSON.stringify(value)
      expect(quoteJson(text)).toBe(JSON.stringify(text))
    }
  })

  test('envelope lines parse back to the record, ids with quotes included', () => {
    const extracted = new Date('2024-01-02T03:04:05.678Z')
    const records = tricky.map((id, i) => ({
      bizon_id: `${i}`.padStart(32, '0'),
      bizon_extracted_at: extracted,
      bizon_loaded_at: extracted,
      source_record_id: id,
      source_timestamp: new Date(Date.UTC(2024, 0, 1, 0, 0, i)),
      source_data: JSON.stringify({ id, i }),
    }))
    const lines = new EnvelopeEncoder().encode(records).trimEnd().split('\n')
    expect(lines).toHaveLength(records.length)
    lines.forEach((line, i) => {
      const parsed = JSON.parse(line)
      expect(parsed.source_record_id).toBe(tricky[i])
      expect(JSON.parse(parsed.source_data)).toEqual({ id: tricky[i], i })
      expect(parsed.bizon_extracted_at).toBe('2024-01-02T03:04:05.678000+00:00')
      expect(parsed.source_timestamp).toBe(`2024-01-01T00:00:${String(i).padStart(2, '0')}.000000+00:00`)
    })
  })
})

/** Smoke test of the benchmark: `bench/run.ts --quick` runs real pipelines and prints the table. */
import { expect, test } from 'bun:test'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

const ROOT = resolve(import.meta.dir, '../..')

test('bench --quick runs synthetic → file and start-up, prints one table and writes the JSON', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bizon-bench-test-'))
  try {
    const json = join(dir, 'result.json')
    // From source, so the test does not depend on a fresh dist/bizon.
    const run = Bun.spawnSync(
      [
        'bun',
        'bench/run.ts',
        '--quick',
        '--records',
        '3000',
        '--only',
        'startup,file-1m,sqlite',
        '--bin',
        `bun ${join(ROOT, 'src/cli/main.ts')}`,
        '--json',
        json,
      ],
      { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' } },
    )
    const out = run.stdout.toString()
    expect(run.exitCode, run.stderr.toString()).toBe(0)
    const lines = out.split('\n')
    expect(lines[0]).toMatch(
      /^workload\s+records\s+rec\/s\s+MB\/s\s+vs\s+vs rec\/s\s+ratio\s+target\s+wall s\s+peak RSS MB\s+load$/,
    )
    const file = lines.find((l) => l.startsWith('file-1m '))
    // 3,000 records written, a rate, the raw primitive it is compared with, a ratio and the RSS limit.
    expect(file).toMatch(
      /^file-1m\s+3,000\s+[\d,]+\s+[\d.]+\s+raw ndjson-plain\s+[\d,]+\s+\d+ %\s+≥ 70 % (ok|FAIL)\s+[\d.]+\s+\d+ \(< 150 (ok|FAIL)\)/,
    )
    expect(lines.find((l) => l.startsWith('startup --version'))).toMatch(/< 30 ms (ok|FAIL)\s+0\.\d{3}/)
    // sqlite either ran or says why it did not.
    expect(lines.find((l) => l.startsWith('sqlite '))).toMatch(/^sqlite\s+(3,000|skipped)/)

    const result = JSON.parse(readFileSync(json, 'utf8'))
    const row = result.rows.find((r: { workload: string }) => r.workload === 'file-1m')
    expect(row.records).toBe(3000)
    expect(row.recordsPerSec).toBeGreaterThan(0)
    expect(row.peakRssMb).toBeGreaterThan(10)
    expect(row.versusPerSec).toBeGreaterThan(0)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}, 120_000)

test('bench rejects an unknown workload, naming the known ones', () => {
  const run = Bun.spawnSync(['bun', 'bench/run.ts', '--print-needs', '--only', 'fiel-1m'], { cwd: ROOT })
  expect(run.exitCode).not.toBe(0)
  expect(run.stderr.toString()).toContain('Unknown workload fiel-1m. Known: startup, file-1m, file-5m')
})

test('bench --print-needs lists the services of the chosen workloads', () => {
  const needs = (only: string) =>
    Bun.spawnSync(['bun', 'bench/run.ts', '--print-needs', '--only', only], { cwd: ROOT })
      .stdout.toString()
      .trim()
  expect(needs('file-1m')).toBe('')
  expect(needs('nats-js,postgres')).toBe('pg nats')
})

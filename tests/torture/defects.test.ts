/**
 * Defects the torture campaigns found, one regression test each, marked `test.failing` until fixed
 * (remove `.failing` with the fix, and the case id from known-defects.ts). Each runs its corpus case.
 */
import { afterAll, describe, expect, setDefaultTimeout, test } from 'bun:test'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { corpus, runCase } from '../../torture/bad-input.ts'
import { cleanTempDirs, cli, tempDir } from '../../torture/lib.ts'

setDefaultTimeout(30_000)
afterAll(cleanTempDirs)

const root = tempDir('bizon-defects-')
const run = (id: string) => {
  const found = corpus().find((c) => c.id === id)
  if (!found) throw new Error(`no corpus case ${id}`)
  return runCase(found, root)
}

describe('open defects found by scripts/torture', () => {
  test('D1 a transform over its time limit ends the run with exit 1, not SIGKILL (137)', async () => {
    const result = await run('transform-loops')
    expect(result.code).toBe(1)
  })

  test('D2 an unresolved YAML alias is a config error (exit 2) naming p.yml:line', async () => {
    const result = await run('yaml-undefined-alias')
    expect(result.problems).toEqual([])
    expect(result.code).toBe(2)
  })

  test('D2 a YAML alias bomb is a config error (exit 2) naming p.yml', async () => {
    const result = await run('yaml-alias-bomb')
    expect(result.problems).toEqual([])
  })

  test('D3 a folder given as the config file is a usage error (exit 2) naming it', async () => {
    const result = await run('cli-dir-as-file')
    expect(result.problems).toEqual([])
  })

  test('D4 a damaged .gz file fails the run naming the file', async () => {
    const corrupt = await run('data-corrupt-gzip')
    const truncated = await run('data-truncated-gzip')
    expect([...corrupt.problems, ...truncated.problems]).toEqual([])
  })

  test('D5 a list where a mapping is expected (engine: [], destination.config: [] ...) is a config error', async () => {
    const ids = ['engine', 'engine-backend-config', 'engine-runner-config', 'destination-config', 'secrets']
    const results = await Promise.all(ids.map((id) => run(`type-${id}-empty-list`)))
    expect(results.map((r) => `${r.id} ${r.code}`)).toEqual(ids.map((id) => `type-${id}-empty-list 2`))
  })

  test('D6 an unusable file destination_id ("", "dir/", NUL) is a config error: exit 2, no state written', async () => {
    const results = await Promise.all(
      ['traversal-empty-id', 'traversal-id-folder', 'traversal-nul-in-id'].map(run),
    )
    expect(results.flatMap((r) => r.problems)).toEqual([])
  })

  test('D7 validate reports an unreachable postgres backend instead of "reachable"', async () => {
    const dir = tempDir('bizon-defects-')
    const yaml = `name: v\nsource:\n  name: dummy\n  stream: creatures\ndestination:\n  name: logger\nengine:\n  backend:\n    type: postgres\n    config:\n      url: postgres://postgres@127.0.0.1:1/postgres\n`
    writeFileSync(join(dir, 'p.yml'), yaml)
    const result = await cli(['validate', 'p.yml'], { cwd: dir })
    expect(result.stdout + result.stderr).not.toContain('backend postgres: reachable')
    expect(result.code).not.toBe(0)
  })
})

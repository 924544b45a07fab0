/** Connector docs generated from the declarations: README.md files, `scripts/gen-docs --check`, `bizon source docs`. */
import { describe, expect, test } from 'bun:test'
import { cpSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { REPO, runCli } from '../helpers/cli.ts'
import { tempDir } from '../helpers/tmp.ts'

const genDocs = (...args: string[]) =>
  Bun.spawnSync([process.execPath, '--no-install', join(REPO, 'scripts/gen-docs'), ...args], {
    stderr: 'pipe',
  })

describe('connector docs', () => {
  test('the checked-in READMEs match the declarations (scripts/gen-docs --check)', () => {
    const result = genDocs('--check')
    expect(result.stderr.toString()).toContain('up to date')
    expect(result.exitCode).toBe(0)
  })

  test('a README lists streams, every key with type, default, required and description, and the examples', () => {
    const readme = readFileSync(join(REPO, 'connectors/sources/dummy/README.md'), 'utf8')
    expect(readme).toContain('# `dummy` source')
    expect(readme).toContain(
      '| `creatures` | no | yes | Five animals: bizon, croco, froggy, turtle, poulpo. |',
    )
    expect(readme).toContain(
      '| `sleep` | number (≥ 0) | `0` | no | Seconds to wait before each fake API call (fractions allowed), to simulate a slow API. |',
    )
    expect(readme).toContain(
      '| `authentication.params.token` | string |  | yes | API token (never logged). |',
    )
    expect(readme).toContain(
      '| `sync_mode` | `"full_refresh"` or `"incremental"` or `"stream"` | `"full_refresh"` | no |',
    )
    expect(readme).toContain('In `sync_mode: stream` records of page 2 are routed') // the declaration's docs
    expect(readme).toContain('### `examples/dummy-to-logger.yml`\n\n```yaml\n')
    const file = readFileSync(join(REPO, 'connectors/destinations/file/README.md'), 'utf8')
    expect(file).toContain('Keys of this destination, under `destination.config:`')
    expect(file).toContain(
      '| `buffer_size` | number (≥ 0) | `50` | no | Buffer size in MB; 0 writes every page at once. |',
    )
  })

  test('--check names a stale README and exits 1; without --check it rewrites it', () => {
    const root = tempDir()
    symlinkSync(join(REPO, 'src'), join(root, 'src'))
    symlinkSync(join(REPO, 'node_modules'), join(root, 'node_modules'))
    mkdirSync(join(root, 'connectors/sources'), { recursive: true })
    cpSync(join(REPO, 'connectors/sources/dummy'), join(root, 'connectors/sources/dummy'), {
      recursive: true,
    })
    const readme = join(root, 'connectors/sources/dummy/README.md')
    writeFileSync(readme, readFileSync(readme, 'utf8').replace('Five animals', 'Six animals'))
    const stale = genDocs('--check', '--root', root)
    expect(stale.exitCode).toBe(1)
    expect(stale.stderr.toString()).toContain(
      '✖ 1 connector README(s) out of date:\n  connectors/sources/dummy/README.md',
    )
    expect(genDocs('--root', root).exitCode).toBe(0)
    expect(readFileSync(readme, 'utf8')).toContain('Five animals')
    expect(genDocs('--check', '--root', root).exitCode).toBe(0)
  })

  test('bizon source docs / destination docs print the README text', async () => {
    const cwd = tempDir()
    const source = await runCli(['source', 'docs', 'dummy'], { cwd })
    expect(source.code).toBe(0)
    expect(source.stdout).toBe(readFileSync(join(REPO, 'connectors/sources/dummy/README.md'), 'utf8'))
    const destination = await runCli(['destination', 'docs', 'logger'], { cwd })
    expect(destination.stdout).toBe(
      readFileSync(join(REPO, 'connectors/destinations/logger/README.md'), 'utf8'),
    )
    const typo = await runCli(['destination', 'docs', 'fille'], { cwd })
    expect(typo.code).toBe(2)
    expect(typo.stderr).toContain('✖ Destination fille not found.\n  Did you mean "file"?')
  })
})

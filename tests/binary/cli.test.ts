/** The compiled binary from an empty folder: quickstart, baked version, help of every verb, config schema. */
import { describe, expect, test } from 'bun:test'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { REPO } from '../helpers/cli.ts'
import { readLines } from '../helpers/pipeline.ts'
import { tempDir } from '../helpers/tmp.ts'
import { exampleFiles, readExample } from '../plugin/example-files.ts'
import { checkJsonSchema } from '../plugin/json-schema-check.ts'
import { bizon, useBinary } from './binary.ts'

useBinary()

/** The names listed under COMMANDS in a help text. */
function commandsIn(help: string): string[] {
  const section = help.split(/^COMMANDS$/m)[1]?.split(/^[A-Z]+$/m)[0] ?? ''
  return [...section.matchAll(/^\s+(\S+)\s{2,}/gm)].map((m) => m[1]!)
}

describe('dist/bizon', () => {
  test('quickstart from an empty folder', async () => {
    const dir = tempDir()
    writeFileSync(join(dir, 'quickstart.yml'), readFileSync(join(REPO, 'examples/quickstart.yml')))
    const result = await bizon(['run', 'quickstart.yml'], { cwd: dir })
    expect(result.stderr).toContain('succeeded')
    expect(result.code).toBe(0)
    expect(readLines(join(dir, 'creatures.json')).map((l) => JSON.parse(l.source_data).name)).toEqual([
      'bizon',
      'croco',
      'froggy',
      'turtle',
      'poulpo',
    ])
  })

  test('--version prints the version baked in at build time', async () => {
    const { version } = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8'))
    const result = await bizon(['--version'], { cwd: tempDir() })
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(new RegExp(`^${version.replace(/\./g, '\\.')}(\\+[0-9a-f]+)?\\n$`))
  })

  test('every verb and subverb has --help', async () => {
    const cwd = tempDir()
    const top = await bizon(['--help'], { cwd })
    expect(top.code).toBe(0)
    const verbs = commandsIn(top.stdout)
    expect(verbs).toEqual(
      expect.arrayContaining(['run', 'validate', 'source', 'destination', 'stream', 'config']),
    )
    const checked: string[] = []
    for (const verb of verbs) {
      const help = await bizon([verb, '--help'], { cwd })
      expect(help.code).toBe(0)
      expect(help.stdout).toContain(`USAGE bizon ${verb}`)
      for (const sub of commandsIn(help.stdout)) {
        const subHelp = await bizon([verb, sub, '--help'], { cwd })
        expect(subHelp.code).toBe(0)
        // citty prints `USAGE source list` (no `bizon`) for a subcommand of a subcommand.
        expect(subHelp.stdout).toMatch(new RegExp(`USAGE (bizon )?${verb} ${sub}`))
        checked.push(`${verb} ${sub}`)
      }
    }
    expect(checked).toEqual(expect.arrayContaining(['source list', 'source docs', 'config schema']))
  })

  test('config schema validates every example pipeline', async () => {
    const result = await bizon(['config', 'schema'], { cwd: tempDir() })
    expect(result.code).toBe(0)
    const schema = JSON.parse(result.stdout)
    const problems = exampleFiles().flatMap((file) =>
      checkJsonSchema(schema, readExample(file)).map((p) => `${file}: ${p}`),
    )
    expect(problems).toEqual([])
    const typo = { ...readExample('examples/quickstart.yml'), destinaton: {} }
    expect(checkJsonSchema(schema, typo)).toEqual(['.destinaton: unknown key'])
  })

  test('source docs prints the README, examples included', async () => {
    const result = await bizon(['source', 'docs', 'dummy'], { cwd: tempDir() })
    expect(result.code).toBe(0)
    expect(result.stdout).toBe(readFileSync(join(REPO, 'connectors/sources/dummy/README.md'), 'utf8'))
  })
})

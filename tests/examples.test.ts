/** Every example pipeline is accepted by the real config loader, and every connector folder has one. */
import { describe, expect, test } from 'bun:test'
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { formatError } from '../src/cli/format-error.ts'
import { registry } from '../src/cli/registry.ts'
import { loadPipeline } from '../src/config/load.ts'
import { REPO } from './helpers/cli.ts'
import { exampleEnv, exampleFiles } from './plugin/example-files.ts'

describe('example pipelines', () => {
  test.each(exampleFiles())('%s loads', async (file) => {
    const env = exampleEnv(file)
    const saved = Object.fromEntries(Object.keys(env).map((key) => [key, process.env[key]]))
    Object.assign(process.env, env)
    try {
      const problem = await loadPipeline(join(REPO, file), registry).then(
        () => '',
        (error) => formatError(error, { debug: false, secrets: [] }),
      )
      expect(problem).toBe('')
    } finally {
      for (const [key, value] of Object.entries(saved))
        if (value === undefined) delete process.env[key]
        else process.env[key] = value
    }
  })

  const folders = ['sources', 'destinations'].flatMap((kind) =>
    readdirSync(join(REPO, 'connectors', kind)).map((name) => `connectors/${kind}/${name}`),
  )
  test.each(folders)('%s has an example and is registered', (folder) => {
    const examples = join(REPO, folder, 'examples')
    expect(existsSync(examples) ? readdirSync(examples).filter((f) => f.endsWith('.yml')) : []).not.toEqual(
      [],
    )
    const [, kind, name] = folder.split('/')
    const list = kind === 'sources' ? registry.sources : registry.destinations
    expect(list.map((d) => d.name)).toContain(name)
  })
})

/** The example pipelines shipped with bizon, and env values that satisfy their `env://` references. */
import { readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { parse } from 'yaml'
import { registry } from '../../src/cli/registry.ts'
import { collectReferences } from '../../src/config/references.ts'
import type { Registry } from '../../src/plugin/registry.ts'
import { REPO } from '../helpers/cli.ts'

/** Repo-relative paths of examples/*.yml and connectors/<kind>/<name>/examples/*.yml, sorted. */
export function exampleFiles(): string[] {
  const patterns = ['examples/*.yml', 'connectors/*/*/examples/*.yml']
  return patterns
    .flatMap((pattern) => [...new Bun.Glob(pattern).scanSync({ cwd: REPO })])
    .map((file) => relative(REPO, join(REPO, file)))
    .sort()
}

export function readExample(file: string): Record<string, unknown> {
  return parse(readFileSync(join(REPO, file), 'utf8'))
}

/** A placeholder value for every `env://NAME` an example uses (the loader needs them set). */
export function exampleEnv(file: string): Record<string, string> {
  const env: Record<string, string> = {}
  for (const { reference } of collectReferences(readExample(file)))
    if (reference.startsWith('env://'))
      env[reference.slice('env://'.length)] = 'postgres://user:pw@127.0.0.1:5432/db'
  return env
}

/**
 * A registry of every connector folder (not only those registered in connectors/index.ts), so the
 * schema is checked against every declaration that exists.
 */
export async function folderRegistry(): Promise<Registry> {
  const load = async (kind: string) => {
    const files = [...new Bun.Glob(`connectors/${kind}/*/index.ts`).scanSync({ cwd: REPO })].sort()
    return Promise.all(files.map(async (file) => (await import(join(REPO, file))).default))
  }
  return { ...registry, sources: await load('sources'), destinations: await load('destinations') }
}

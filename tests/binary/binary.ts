/** Runs the compiled dist/bizon (building it when missing or older than the sources) from a folder of its own. */
import { beforeAll, setDefaultTimeout } from 'bun:test'
import { existsSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { type CliOptions, type CliResult, REPO, runCli } from '../helpers/cli.ts'

export const BINARY = join(REPO, 'dist/bizon')
const SOURCES = ['src/**/*.ts', 'connectors/**/*.{ts,yml}', 'package.json', 'bun.lock', 'scripts/build']

function newestSource(): number {
  let newest = 0
  for (const pattern of SOURCES)
    for (const file of new Bun.Glob(pattern).scanSync({ cwd: REPO }))
      newest = Math.max(newest, statSync(join(REPO, file)).mtimeMs)
  return newest
}

/** Builds dist/bizon once per test file when it is missing or stale (a build takes a few seconds). */
export function useBinary(): void {
  setDefaultTimeout(60_000)
  beforeAll(() => {
    if (existsSync(BINARY) && statSync(BINARY).mtimeMs >= newestSource()) return
    const build = Bun.spawnSync([join(REPO, 'scripts/build')], { cwd: REPO, stdout: 'pipe', stderr: 'pipe' })
    if (build.exitCode !== 0) throw new Error(`./scripts/build failed:\n${build.stderr}`)
  }, 180_000)
}

/**
 * Runs dist/bizon as a user who downloaded it: no Bun on PATH (it is given by absolute path),
 * in a folder with no node_modules above it.
 */
export function bizon(args: string[], opts: CliOptions): Promise<CliResult> {
  return runCli(args, {
    ...opts,
    bin: 'binary',
    env: { PATH: '/nonexistent', BUN_INSTALL: undefined, ...opts.env },
  })
}

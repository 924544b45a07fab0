/** Runs the bizon CLI as a user would (from source or the compiled dist/bizon) and collects what it prints. */
import { existsSync } from 'node:fs'
import { constants } from 'node:os'
import { join, resolve } from 'node:path'
import type { Subprocess } from 'bun'

export const REPO = resolve(import.meta.dir, '../..')

export interface CliOptions {
  /** The folder bizon runs in (relative paths in args and configs resolve from here). */
  cwd: string
  /** Added to the test's environment; `undefined` removes a variable. */
  env?: Record<string, string | undefined>
  /** runCli: how long before the process is killed and the call throws (default 30 s). */
  timeoutMs?: number
  /** 'source' runs `bun src/cli/main.ts`, 'binary' runs dist/bizon (built by ./scripts/build). */
  bin?: 'source' | 'binary'
  /** Text written to bizon's stdin (default: no stdin). */
  stdin?: string
}

export interface CliResult {
  /** Exit code; 128 + signal number when a signal ended it (as a shell reports it). */
  code: number
  stdout: string
  stderr: string
}

export function cliCommand(args: string[], bin: 'source' | 'binary' = 'source'): string[] {
  if (bin === 'source') return [process.execPath, '--no-install', join(REPO, 'src/cli/main.ts'), ...args]
  const binary = join(REPO, 'dist/bizon')
  if (!existsSync(binary)) throw new Error(`${binary} is missing: run ./scripts/build (./scripts/test does).`)
  return [binary, ...args]
}

function cliEnv(extra: Record<string, string | undefined> = {}): Record<string, string> {
  const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1' }
  // bun test sets NODE_ENV=test, which makes consola hide info logs: bizon must print what a user sees.
  if (env.NODE_ENV === 'test') delete env.NODE_ENV
  delete env.TEST
  delete env.FORCE_COLOR
  Object.assign(env, extra)
  return Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined),
  )
}

function exitCode(proc: Subprocess): number {
  if (proc.exitCode !== null) return proc.exitCode
  const signal = proc.signalCode as keyof typeof constants.signals | null
  return 128 + (signal ? constants.signals[signal] : 0)
}

/** A running bizon whose output is collected as it comes, for tests that kill it mid-run. */
export interface CliProcess {
  proc: Subprocess<'pipe' | 'ignore', 'pipe', 'pipe'>
  pid: number
  /** Everything printed so far. */
  stdout(): string
  stderr(): string
  /** Resolves once stdout or stderr contains the pattern; throws if bizon exits first or time runs out. */
  waitFor(pattern: string | RegExp, timeoutMs?: number): Promise<void>
  kill(signal?: NodeJS.Signals): void
  /** Resolves when bizon has exited and its output is fully read. */
  exited: Promise<CliResult>
}

// Children a test forgot to stop must not outlive the test run.
const running = new Set<Subprocess>()
process.on('exit', () => {
  for (const proc of running) proc.kill('SIGKILL')
})

async function collect(stream: ReadableStream<Uint8Array>, append: (text: string) => void): Promise<void> {
  const decoder = new TextDecoder()
  const reader = stream.getReader()
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
    append(decoder.decode(chunk.value, { stream: true }))
  }
  append(decoder.decode())
}

export function spawnCli(args: string[], opts: CliOptions): CliProcess {
  const proc = Bun.spawn(cliCommand(args, opts.bin), {
    cwd: opts.cwd,
    env: cliEnv(opts.env),
    stdin: opts.stdin === undefined ? 'ignore' : 'pipe',
    stdout: 'pipe',
    stderr: 'pipe',
  })
  running.add(proc)
  if (opts.stdin !== undefined && proc.stdin) {
    proc.stdin.write(opts.stdin)
    proc.stdin.end()
  }
  let out = ''
  let err = ''
  const read = Promise.all([collect(proc.stdout, (t) => (out += t)), collect(proc.stderr, (t) => (err += t))])
  // A child bizon left behind can hold the pipes open: after the exit, wait for the rest only briefly.
  const exited = proc.exited
    .then(() => Promise.race([read, Bun.sleep(2000)]))
    .then(() => {
      running.delete(proc)
      return { code: exitCode(proc), stdout: out, stderr: err }
    })
  const matches = (pattern: string | RegExp) =>
    typeof pattern === 'string'
      ? out.includes(pattern) || err.includes(pattern)
      : pattern.test(out) || pattern.test(err)

  return {
    proc: proc as CliProcess['proc'],
    pid: proc.pid,
    stdout: () => out,
    stderr: () => err,
    async waitFor(pattern, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs
      while (!matches(pattern)) {
        const ended = proc.exitCode !== null || proc.signalCode !== null
        if (ended || Date.now() > deadline) {
          if (ended) await exited
          if (matches(pattern)) return
          const why = ended ? `exited with code ${exitCode(proc)}` : `still running after ${timeoutMs} ms`
          throw new Error(
            `bizon ${args.join(' ')} ${why} without printing ${pattern}.\nstdout:\n${out}\nstderr:\n${err}`,
          )
        }
        await Bun.sleep(20)
      }
    },
    kill: (signal = 'SIGTERM') => proc.kill(signal),
    exited,
  }
}

/** Runs bizon to the end and returns its exit code and output. */
export async function runCli(args: string[], opts: CliOptions): Promise<CliResult> {
  const cli = spawnCli(args, opts)
  const timeoutMs = opts.timeoutMs ?? 30_000
  let timer: Timer | undefined
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs)
  })
  const result = await Promise.race([cli.exited, timedOut])
  clearTimeout(timer)
  if (result !== 'timeout') return result
  cli.kill('SIGKILL')
  const { stdout, stderr } = await cli.exited
  throw new Error(
    `bizon ${args.join(' ')} did not exit within ${timeoutMs} ms.\nstdout:\n${stdout}\nstderr:\n${stderr}`,
  )
}

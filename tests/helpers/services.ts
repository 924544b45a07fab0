/** Where the test PostgreSQL and NATS are, whether they answer, and stopping/restarting them for fault tests. */
import { existsSync, readFileSync, statSync } from 'node:fs'
import { createConnection } from 'node:net'
import { join } from 'node:path'

// scripts/test exports these for its throwaway servers; the defaults are the developer machine's own.
export function pgUrl(): string {
  return process.env.BIZON_TEST_PG_URL || 'postgres://postgres@127.0.0.1:5432/postgres'
}

export function natsUrl(): string {
  return process.env.BIZON_TEST_NATS_URL || 'nats://127.0.0.1:4222'
}

/** host:port of a service URL (no credentials, so it can be printed). */
function endpoint(url: string, defaultPort: number): { host: string; port: number } {
  const first = url.split(',')[0]!.trim()
  const parsed = new URL(first.includes('://') ? first : `nats://${first}`)
  return { host: parsed.hostname.replace(/^\[|\]$/g, ''), port: Number(parsed.port) || defaultPort }
}

function reachable(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port })
    const done = (ok: boolean) => {
      socket.destroy()
      resolve(ok)
    }
    socket.setTimeout(timeoutMs, () => done(false))
    socket.once('connect', () => done(true))
    socket.once('error', () => done(false))
  })
}

/** True when PostgreSQL accepts TCP connections; otherwise prints why its tests skip. */
export async function hasPg(): Promise<boolean> {
  const { host, port } = endpoint(pgUrl(), 5432)
  const ok = await reachable(host, port)
  if (!ok)
    console.warn(
      `PostgreSQL is not reachable at ${host}:${port}: tests that need it skip (./scripts/test starts one).`,
    )
  return ok
}

/** True when NATS accepts TCP connections; otherwise prints why its tests skip. */
export async function hasNats(): Promise<boolean> {
  const { host, port } = endpoint(natsUrl(), 4222)
  const ok = await reachable(host, port)
  if (!ok)
    console.warn(
      `NATS is not reachable at ${host}:${port}: tests that need it skip (./scripts/test starts one).`,
    )
  return ok
}

// Fault tests may only stop servers that scripts/test (or scripts/start-*) started for them.
function missing(names: string[], what: string): string | undefined {
  const unset = names.filter((name) => !process.env[name])
  if (unset.length === 0) return undefined
  return `${unset.join(', ')} not set: only the throwaway ${what} of ./scripts/test can be stopped and restarted`
}

const PG_VARS = ['BIZON_TEST_PG_DIR', 'BIZON_TEST_PG_BIN', 'BIZON_TEST_PG_PORT']
const NATS_VARS = ['BIZON_TEST_NATS_DIR', 'BIZON_TEST_NATS_PORT']

/** True when stopPg/startPg may be used; otherwise prints why the fault tests skip. */
export function canRestartPg(): boolean {
  const why = missing(PG_VARS, 'PostgreSQL')
  if (why) console.warn(`skipping PostgreSQL fault tests: ${why}`)
  return !why
}

/** True when stopNats/startNats may be used; otherwise prints why the fault tests skip. */
export function canRestartNats(): boolean {
  const why = missing(NATS_VARS, 'NATS')
  if (why) console.warn(`skipping NATS fault tests: ${why}`)
  return !why
}

function required(names: string[], what: string): void {
  const why = missing(names, what)
  if (why) throw new Error(why)
}

async function run(cmd: string[], action: string): Promise<void> {
  const proc = Bun.spawn(cmd, { stdin: 'ignore', stdout: 'pipe', stderr: 'pipe' })
  const [out, err, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ])
  if (code !== 0) throw new Error(`could not ${action} (exit ${code}): ${(err || out).trim()}`)
}

// initdb refuses root, so scripts/lib.sh runs PostgreSQL as user postgres when it runs as root.
function asPgOwner(cmd: string[]): string[] {
  return process.getuid?.() === 0 ? ['runuser', '-u', 'postgres', '--', ...cmd] : cmd
}

/** Stops the test PostgreSQL: 'fast' is a clean shutdown, 'immediate' a crash (recovery on restart). */
export async function stopPg(mode: 'fast' | 'immediate' = 'fast'): Promise<void> {
  required(PG_VARS, 'PostgreSQL')
  const dir = process.env.BIZON_TEST_PG_DIR!
  const pgCtl = join(process.env.BIZON_TEST_PG_BIN!, 'pg_ctl')
  await run(asPgOwner([pgCtl, '-D', dir, '-m', mode, '-w', '-t', '60', 'stop']), 'stop PostgreSQL')
}

/** Starts the test PostgreSQL again on the same data dir and port (its settings live in the data dir). */
export async function startPg(): Promise<void> {
  required(PG_VARS, 'PostgreSQL')
  const dir = process.env.BIZON_TEST_PG_DIR!
  const pgCtl = join(process.env.BIZON_TEST_PG_BIN!, 'pg_ctl')
  const start = [pgCtl, '-D', dir, '-l', join(dir, 'server.log'), '-w', '-t', '60', 'start']
  await run(asPgOwner(start), 'start PostgreSQL')
}

function natsPid(dir: string): number | undefined {
  const file = join(dir, 'nats.pid')
  return existsSync(file) ? Number(readFileSync(file, 'utf8').trim()) || undefined : undefined
}

// An exited process that its parent has not reaped yet (a zombie) is gone for our purposes.
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
  } catch {
    return false
  }
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z'
  } catch {
    return false
  }
}

async function waitFor(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what} within ${timeoutMs} ms`)
    await Bun.sleep(20)
  }
}

/** Stops the test NATS server: SIGTERM is a clean shutdown, SIGKILL a crash. */
export async function stopNats(signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> {
  required(NATS_VARS, 'NATS')
  const pid = natsPid(process.env.BIZON_TEST_NATS_DIR!)
  if (pid === undefined || !alive(pid)) throw new Error('could not stop NATS: it is not running')
  process.kill(pid, signal)
  await waitFor(() => !alive(pid), 10_000, 'NATS did not stop')
  // the listening socket can outlive the process record for a moment
  const { host, port } = endpoint(natsUrl(), 4222)
  const deadline = Date.now() + 10_000
  while ((await reachable(host, port)) && Date.now() < deadline) await Bun.sleep(50)
}

/** Starts the test NATS server again with the same store dir and port (recipe in <dir>/nats.conf). */
export async function startNats(): Promise<void> {
  required(NATS_VARS, 'NATS')
  const dir = process.env.BIZON_TEST_NATS_DIR!
  const log = join(dir, 'server.log')
  const from = existsSync(log) ? statSync(log).size : 0
  const bin = Bun.which('nats-server', { PATH: `${process.env.PATH}:/usr/sbin:/usr/local/sbin` })
  if (!bin) throw new Error('could not start NATS: nats-server is not installed')
  // stdio ignored: an inherited pipe would keep `bun test | tee` in scripts/test from ever ending.
  const proc = Bun.spawn([bin, '-c', join(dir, 'nats.conf')], {
    stdin: 'ignore',
    stdout: 'ignore',
    stderr: 'ignore',
  })
  proc.unref()
  const since = () => readFileSync(log).subarray(from).toString()
  const ready = () => since().includes('Server is ready')
  await waitFor(() => ready() || proc.exitCode !== null, 10_000, 'NATS did not start')
  if (!ready()) throw new Error(`could not start NATS: ${since().trim()}`)
}

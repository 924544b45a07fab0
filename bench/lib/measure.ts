/** Runs one process and measures what a user would: wall time, exit code and peak RSS. */
import { existsSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface Measured {
  code: number
  seconds: number
  /** Peak resident set size in MB (VmHWM), including worker threads. */
  peakRssMb: number
  stdout: string
  stderr: string
}

const TIME = '/usr/bin/time'

/** Peak RSS via GNU time (exact, read by the kernel at exit), else by polling /proc/<pid>/status. */
export async function measure(
  cmd: string[],
  options: { cwd: string; env?: Record<string, string | undefined> },
): Promise<Measured> {
  const useTime = existsSync(TIME)
  const rssFile = join(tmpdir(), `bizon-bench-rss-${process.pid}-${Math.random().toString(36).slice(2)}`)
  const argv = useTime ? [TIME, '-f', '%M', '-o', rssFile, ...cmd] : cmd
  const started = performance.now()
  const child = Bun.spawn(argv, {
    cwd: options.cwd,
    env: { ...process.env, NO_COLOR: '1', ...options.env },
    stdout: 'pipe',
    stderr: 'pipe',
  })
  let polled = 0
  const poll = useTime
    ? undefined
    : setInterval(() => {
        polled = Math.max(polled, hwmKb(child.pid))
      }, 20)
  const [stdout, stderr, code] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
    child.exited,
  ])
  const seconds = (performance.now() - started) / 1000
  if (poll) clearInterval(poll)
  let peakKb = polled
  if (useTime) {
    const text = existsSync(rssFile) ? readFileSync(rssFile, 'utf8') : ''
    rmSync(rssFile, { force: true })
    // GNU time writes "Command exited with non-zero status N" before the number when it fails.
    peakKb = Number(text.trim().split('\n').pop()) || 0
  }
  return { code, seconds, peakRssMb: peakKb / 1024, stdout, stderr }
}

function hwmKb(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8')
    return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0)
  } catch {
    return 0
  }
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

/** Median wall time in ms of `runs` runs of a short command (start-up). */
export function medianMs(cmd: string[], runs: number, cwd: string): { ms: number; ok: boolean } {
  const times: number[] = []
  let ok = true
  for (let i = 0; i < runs; i++) {
    const started = performance.now()
    const result = Bun.spawnSync(cmd, { cwd, env: { ...process.env, NO_COLOR: '1' } })
    times.push(performance.now() - started)
    ok &&= result.exitCode === 0
  }
  return { ms: median(times), ok }
}

/** The 1-minute load average: the machine is shared, so every number carries it. */
export function loadAverage(): number {
  try {
    return Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0])
  } catch {
    return Number.NaN
  }
}

/** The `RESULT {...}` line a raw primitive prints. */
export function resultOf(stdout: string): Record<string, unknown> | undefined {
  const line = stdout.split('\n').find((l) => l.startsWith('RESULT '))
  return line ? (JSON.parse(line.slice(7)) as Record<string, unknown>) : undefined
}

/** Run progress: a live line on a terminal, a log line every few seconds elsewhere. */
import type { Logger } from '../plugin/types.ts'
import type { LiveLine } from './log.ts'
import type { RunObserver } from './types.ts'

export interface ProgressOptions {
  stream?: { write(chunk: string): unknown; isTTY?: boolean; columns?: number }
  isTTY?: boolean
  logger: Logger & { attachLiveLine?(line: LiveLine | null): void }
  /** Redraw period on a terminal (default 250 ms) or log period elsewhere (default 5 s). */
  intervalMs?: number
  /** Clock, for tests. */
  now?: () => number
}

export interface Progress extends RunObserver {
  /** The line as it would be printed now. */
  render(): string
  stop(): void
}

/** `1234567` → `1,234,567`. */
export const formatCount = (n: number) => Math.round(n).toLocaleString('en-US')

/** Seconds → `4s`, `2m05s`, `1h02m`. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds))
  if (s < 60) return `${s}s`
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`
}

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏']
const RATE_WINDOW_MS = 5000

export function createProgress(options: ProgressOptions): Progress {
  const stream = options.stream ?? process.stderr
  const tty = options.isTTY ?? Boolean(stream.isTTY)
  const now = options.now ?? Date.now
  const intervalMs = options.intervalMs ?? (tty ? 250 : 5000)
  // hot path state: plain numbers only, rendering happens on the timer
  let read = 0
  let written = 0
  let resumed = 0
  let total: number | null = null
  let label = ''
  let startedAt = now()
  let timer: ReturnType<typeof setInterval> | null = null
  let shown = false
  let frame = 0
  const samples: { at: number; written: number }[] = []

  const rate = (): number => {
    const t = now()
    samples.push({ at: t, written })
    while (samples.length > 2 && t - samples[1]!.at >= RATE_WINDOW_MS) samples.shift()
    const first = samples[0]!
    const span = t - first.at
    if (span >= 500) return ((written - first.written) * 1000) / span
    const elapsed = t - startedAt
    return elapsed > 0 ? (written * 1000) / elapsed : 0
  }

  const render = (): string => {
    const elapsed = (now() - startedAt) / 1000
    const perSecond = rate()
    const done = written + resumed
    const parts = [`${label}${formatCount(done)} records written`, `${formatCount(read)} read`]
    parts.push(`${formatCount(perSecond)} rec/s`)
    if (total !== null && total > 0) {
      const pct = Math.min(100, (done / total) * 100)
      parts.push(`${pct.toFixed(pct < 10 ? 1 : 0)}% of ${formatCount(total)}`)
      if (perSecond > 0 && done < total) parts.push(`ETA ${formatDuration((total - done) / perSecond)}`)
    }
    parts.push(`elapsed ${formatDuration(elapsed)}`)
    return parts.join(' · ')
  }

  const line: LiveLine = {
    clear() {
      if (shown) stream.write('\r\x1b[2K')
    },
    redraw() {
      if (!shown) return
      // a line wider than the terminal wraps, and clearing would then leave its first part behind
      const width = (stream as { columns?: number }).columns ?? 0
      const text = `${SPINNER[frame % SPINNER.length]} ${render()}`
      stream.write(`\r\x1b[2K${width > 10 ? text.slice(0, width - 1) : text}`)
    },
  }

  const tick = () => {
    try {
      if (tty) {
        frame++
        shown = true
        line.redraw()
      } else {
        options.logger.info(`Progress: ${render()}`)
      }
    } catch {
      // progress must never break the run
    }
  }

  const stop = () => {
    if (timer) clearInterval(timer)
    timer = null
    if (tty) {
      line.clear()
      shown = false
      options.logger.attachLiveLine?.(null)
    }
  }

  return {
    jobStarted(_job, info) {
      label = `${info.pipeline} (${info.source}.${info.stream}): `
      total = info.total
      resumed = info.resumedRecords
      startedAt = now()
      samples.length = 0
      if (timer) return
      timer = setInterval(tick, intervalMs)
      timer.unref?.()
      if (tty) options.logger.attachLiveLine?.(line)
    },
    pageRead(event) {
      read += event.records
    },
    batchWritten(event) {
      written += event.records
    },
    gauges() {},
    error() {},
    jobEnded() {
      stop()
    },
    render,
    stop,
  }
}

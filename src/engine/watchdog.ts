/**
 * Transform time limit. A transform stuck in a loop blocks the event loop, so no timer on this
 * thread can fire: a tiny worker watches a shared deadline and ends the process when it passes.
 * Stopping hard is safe because the state is crash-safe (DESIGN "Transforms").
 */

const WORKER = `
let view, labels, limitMs, base
self.onmessage = (event) => {
  ({ view, labels, limitMs, base } = event.data)
  setInterval(() => {
    // one pair of slots per thread running transforms: [started, transform index]
    let slot = -1
    for (let s = 0; s < view.length; s += 2) {
      const started = Atomics.load(view, s)
      if (started !== 0 && Date.now() - base - started >= limitMs) slot = s
    }
    if (slot < 0) return
    const label = labels[Atomics.load(view, slot + 1)] ?? '?'
    process.stderr.write('✖ Transform "' + label + '" ran longer than ' + (limitMs / 1000) + ' s on one batch: stopping the run.\\n  Fix the transform (an endless loop?) or raise engine.runner.config.transform_timeout. The next run resumes from the last checkpoint.\\n')
    // exit() in a worker ends only the worker; libc's _exit ends the process with code 1 even
    // while the main thread spins. SIGKILL (exit 137) when libc cannot be loaded.
    try {
      const { dlopen } = require('bun:ffi')
      const libc = process.platform === 'darwin' ? 'libc.dylib' : 'libc.so.6'
      dlopen(libc, { _exit: { args: ['i32'], returns: 'void' } }).symbols._exit(1)
    } catch {}
    process.kill(process.pid, 'SIGKILL')
  }, Math.min(250, limitMs / 4))
}
`

export interface Watchdog {
  /** A batch enters the transforms. */
  enter(): void
  /** The transform at `index` is running now (a plain write: cheap on the per-record path). */
  at(index: number): void
  leave(): void
  stop(): void
  /** What another thread needs to report to this watchdog (see `attachWatchdog`). */
  shared: SharedWatch
}

export interface SharedWatch {
  /** `[started, transform index]` per thread (slot 0: main thread, slot 1: producer worker). */
  view: Int32Array
  base: number
}

export function startWatchdog(labels: string[], limitMs: number): Watchdog {
  // Milliseconds since `base` fit an Int32 (Atomics need integers) for weeks of running.
  const shared = { view: new Int32Array(new SharedArrayBuffer(16)), base: Date.now() - 1 }
  const url = URL.createObjectURL(new Blob([WORKER], { type: 'application/javascript' }))
  const worker = new Worker(url)
  worker.postMessage({ ...shared, labels, limitMs })
  ;(worker as Worker & { unref(): void }).unref()
  return {
    ...attachWatchdog(shared),
    stop() {
      worker.terminate()
      URL.revokeObjectURL(url)
    },
  }
}

/** Reports to a watchdog started on another thread. */
export function attachWatchdog({ view, base }: SharedWatch, slot = 0): Watchdog {
  const at = 2 * slot
  return {
    shared: { view, base },
    enter() {
      Atomics.store(view, at, Date.now() - base)
    },
    at(index) {
      view[at + 1] = index
    },
    leave() {
      Atomics.store(view, at, 0)
    },
    stop() {},
  }
}

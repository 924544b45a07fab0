/** The producer of the process runner, inside a Bun Worker: source reads and transforms on a second core. */
import { sources } from '../../../connectors/index.ts'
import type { Backend } from '../../backends/types.ts'
import { transformRecords } from '../../engine/apply.ts'
import type { RunContext } from '../../engine/context.ts'
import { GcPacer } from '../../engine/memory.ts'
import { produce } from '../../engine/producer.ts'
import { toDestinationRecords } from '../../engine/records.ts'
import { compileTransforms } from '../../engine/transforms.ts'
import { attachWatchdog } from '../../engine/watchdog.ts'
import { messageOf } from '../../errors.ts'
import { createLogger, parseLogLevel } from '../../observe/log.ts'
import { loadCustomConnector } from '../../plugin/custom.ts'
import type { Queue } from '../../queues/types.ts'
import { pack } from './packed.ts'
import { type FromWorker, type ToWorker, WINDOW, type WorkerInit } from './protocol.ts'

declare const self: Worker

const post = (message: FromWorker) => self.postMessage(message)
const stop = new AbortController()
let credits = WINDOW
let wake: (() => void) | undefined

self.onmessage = (event: MessageEvent<ToWorker>) => {
  const message = event.data
  if (message.type === 'start')
    start(message.init).catch((error) => post({ type: 'failed', error: messageOf(error) }))
  else if (message.type === 'credit') {
    credits += 1
    wake?.()
  } else if (message.type === 'stop') {
    stop.abort()
    wake?.()
  }
}

async function start(init: WorkerInit) {
  const { config } = init
  const declaration = init.customSource
    ? await loadCustomConnector('source', init.customSource, 'source.source_file_path')
    : sources.find((s) => s.name === config.source.name)
  if (!declaration) throw new Error(`Source "${config.source.name}" not found in the worker.`)
  const logger = createLogger({
    level: parseLogLevel(init.logLevel) ?? 'INFO',
    secrets: init.secrets,
    fields: { pipeline: config.name, stream: config.source.stream, thread: 'producer' },
  })
  const source = await declaration.create(config.source, {
    stream: config.source.stream,
    syncMode: config.source.sync_mode,
    logger,
    baseDir: init.baseDir,
    signal: stop.signal,
  })
  const transforms = compileTransforms(config.transforms)
  const watchdog = init.watch ? attachWatchdog(init.watch, 1) : undefined
  const pacer = new GcPacer() // this thread has its own heap
  const queue: Pick<Queue, 'put'> = {
    async put(message) {
      while (credits <= 0 && !stop.signal.aborted) await new Promise<void>((resolve) => (wake = resolve))
      credits -= 1
      if (message.type === 'page' && init.prepare) {
        // In-process queue: convert here, so only flat arrays of strings cross to the consumer's thread.
        const converted = toDestinationRecords(message.records, message.extractedAt, transforms, watchdog)
        message.records = []
        pacer.add(converted.bytes)
        return post({ type: 'message', message, packed: pack(converted) })
      }
      if (message.type === 'page' && transforms.length && message.iteration % 2 === 0) {
        // Every other page is transformed here, the rest by the consumer: heavy transforms then
        // keep both cores busy.
        message.records = transformRecords(message.records, transforms, watchdog)
        message.transformed = true
      }
      post({ type: 'message', message })
    },
  }
  const backend = {
    async createSourceCursor(cursor) {
      post({ type: 'cursor', cursor })
    },
  } as Pick<Backend, 'createSourceCursor'> as Backend
  const noop = () => {}
  const ctx = {
    key: { name: config.name, sourceName: config.source.name, streamName: config.source.stream },
    config,
    backend,
    plan: init.plan,
    logger,
    observer: {
      pageRead: (e: { iteration: number; records: number; ms: number }) => post({ type: 'pageRead', ...e }),
      jobStarted: noop,
      batchWritten: noop,
      gauges: noop,
      error: noop,
      jobEnded: noop,
    },
    signal: stop.signal,
    source,
    transforms,
    syncCursorEvery: init.syncCursorEvery,
  } as unknown as RunContext
  try {
    await produce(ctx, queue as Queue)
  } finally {
    await source.close?.()
  }
}

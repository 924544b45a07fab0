/** The file destination (reference §8.3): NDJSON staged per sync mode, published by finalize. */
import type { FileHandle } from 'node:fs/promises'
import { mkdir, open } from 'node:fs/promises'
import type { Destination, DestinationContext, DestinationRecord, WriteInfo } from '../../../src/index.ts'
import { BizonError } from '../../../src/index.ts'
import { cutToCommitted, dropCommitted, recordCommitted } from './committed.ts'
import { EnvelopeEncoder, UnnestEncoder } from './encode.ts'
import { type Target, targetOf } from './paths.ts'
import { appendStaging, createEmpty, dropStaging, publishTemp, syncDir } from './publish.ts'

type Encoder = { encode(records: DestinationRecord[], start: number, end: number): string }

/** Records encoded per write call: a few MB, so encoding the next chunk overlaps writing this one. */
const CHUNK = 256
/** Bytes written between background writebacks. */
const WRITEBACK = 8 << 20

/** Runs a file operation; a system error becomes a message naming the file and what to check. */
async function attempt<T>(action: string, operation: () => Promise<T>): Promise<T> {
  try {
    return await operation()
  } catch (error) {
    if (error instanceof BizonError) throw error
    throw new BizonError(
      'destination',
      `Destination "file" could not ${action}: ${(error as Error).message}. Check that the folder is writable and the disk has space.`,
      { cause: error },
    )
  }
}

export async function createFileDestination(ctx: DestinationContext): Promise<Destination> {
  const targets = new Map<string, Target>()
  const encoders = new Map<string, Encoder>()
  const handles = new Map<string, FileHandle>()
  // Size of each open file after its last complete write: one fstat per file, not one per page.
  const sizes = new Map<FileHandle, number>()
  const envelope = new EnvelopeEncoder()

  /** First use of an id in this run: drop what a crashed earlier job left, unless resuming it. */
  const prepare = async (id: string): Promise<Target> => {
    let target = targets.get(id)
    if (target) return target
    target = targetOf(id, ctx.baseDir, id === ctx.destinationId)
    const t = target
    // A stale temp file is emptied, so a run without records still publishes an (empty) file.
    if (!ctx.resuming && ctx.syncMode === 'full_refresh')
      await attempt(`create ${t.temp}`, () => createEmpty(t.temp, t.dir))
    if (!ctx.resuming && ctx.syncMode === 'incremental')
      await attempt(`clear ${t.staging}`, () => dropStaging(t))
    const path = pathFor(t)
    await attempt(`prepare ${path}`, () => (ctx.resuming ? cutToCommitted(path) : dropCommitted(path)))
    targets.set(id, target)
    return target
  }

  const pathFor = (t: Target): string =>
    ctx.syncMode === 'full_refresh' ? t.temp : ctx.syncMode === 'incremental' ? t.staging : t.main

  const encoderFor = (id: string): Encoder => {
    if (!ctx.unnest) return envelope
    let encoder = encoders.get(id)
    if (!encoder) {
      const schema = ctx.recordSchemas.find((s) => s.destination_id === id)
      if (!schema) {
        const known = ctx.recordSchemas.map((s) => s.destination_id).join(', ') || 'none'
        throw new BizonError(
          'destination',
          `Destination "file" could not unnest records for "${id}": no record schema has that destination_id (schemas: ${known}). Add one to destination.config.record_schemas.`,
        )
      }
      encoder = new UnnestEncoder(schema, id)
      encoders.set(id, encoder)
    }
    return encoder
  }

  const handleFor = async (t: Target, path: string): Promise<FileHandle> => {
    let handle = handles.get(path)
    if (!handle) {
      await mkdir(t.dir, { recursive: true })
      handle = await open(path, 'a')
      await syncDir(t.dir)
      handles.set(path, handle)
      sizes.set(handle, (await handle.stat()).size)
    }
    return handle
  }

  // Bun's FileSink on the handle's descriptor writes ~1.8x faster than FileHandle.writeFile; the
  // handle keeps ownership of the descriptor (sync, truncate, close), the sink is only flushed.
  const sinks = new Map<FileHandle, ReturnType<ReturnType<typeof Bun.file>['writer']>>()
  const sinkFor = (handle: FileHandle) => {
    let sink = sinks.get(handle)
    if (!sink) {
      sink = Bun.file(handle.fd).writer({ highWaterMark: 1 << 20 })
      sinks.set(handle, sink)
    }
    return sink
  }

  // Writeback started in the background every WRITEBACK bytes (a datasync on the thread pool while this
  // thread encodes the next pages), so the flush's own datasync finds little left to write. Linux
  // reports a writeback error to one fsync of an open file only: a background one keeps it for flush.
  const background = new Map<FileHandle, { unsynced: number; running?: Promise<void>; error?: unknown }>()
  const writeback = (handle: FileHandle, bytes: number) => {
    let state = background.get(handle)
    if (!state) {
      state = { unsynced: 0 }
      background.set(handle, state)
    }
    state.unsynced += bytes
    if (state.running || state.unsynced < WRITEBACK) return
    const s = state
    s.unsynced = 0
    s.running = handle
      .datasync()
      .catch((error) => {
        s.error ??= error
      })
      .finally(() => {
        s.running = undefined
      })
  }
  /** Waits for the background writeback of `handle`; throws the error one of them met. */
  const settle = async (handle: FileHandle) => {
    const state = background.get(handle)
    if (!state) return
    await state.running
    if (state.error !== undefined) throw state.error
  }

  /** Appends a batch; a batch failing half-way is cut off again. Written (not yet synced) on return. */
  const append = async (handle: FileHandle, encoder: Encoder, records: DestinationRecord[]) => {
    const before = sizes.get(handle) ?? (await handle.stat()).size
    const sink = sinkFor(handle)
    let bytes = 0
    try {
      for (let start = 0; start < records.length; start += CHUNK) {
        const text = encoder.encode(records, start, Math.min(records.length, start + CHUNK))
        bytes += Buffer.byteLength(text)
        sink.write(text)
      }
      await sink.flush()
      sizes.set(handle, before + bytes)
      writeback(handle, bytes)
    } catch (error) {
      sinks.delete(handle) // a failed sink may hold unwritten bytes: start a new one
      await handle.truncate(before).catch(() => {})
      throw error
    }
  }

  const closeAll = async (): Promise<void> => {
    const opened = [...handles.values()]
    handles.clear()
    sizes.clear()
    sinks.clear()
    // A background datasync still running holds the descriptor: let it end before closing.
    await Promise.all(opened.map((h) => background.get(h)?.running))
    background.clear()
    await Promise.all(opened.map((h) => h.close()))
  }

  await prepare(ctx.destinationId)

  return {
    async write(records: DestinationRecord[], info: WriteInfo) {
      if (records.length === 0) return
      const id = info?.destinationId ?? ctx.destinationId
      const target = await prepare(id)
      const encoder = encoderFor(id)
      const path = pathFor(target)
      await attempt(`write ${path}`, async () => append(await handleFor(target, path), encoder, records))
    },
    /** Everything appended so far reaches the disk; the engine commits its cursor after this. */
    async flush() {
      await attempt('sync the written files', () =>
        Promise.all(
          [...handles].map(async ([path, handle]) => {
            await settle(handle)
            await handle.datasync()
            await recordCommitted(path, sizes.get(handle) ?? (await handle.stat()).size)
          }),
        ),
      )
    },
    async finalize() {
      await closeAll()
      if (ctx.syncMode === 'stream') return
      for (const t of targets.values()) {
        await attempt(`clean up beside ${t.main}`, () => dropCommitted(pathFor(t)))
        if (ctx.syncMode === 'full_refresh') await attempt(`publish ${t.main}`, () => publishTemp(t))
        else await attempt(`append ${t.staging} to ${t.main}`, () => appendStaging(t))
      }
    },
    async close() {
      await closeAll()
    },
  }
}

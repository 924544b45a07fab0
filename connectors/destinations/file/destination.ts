/** The file destination (reference §8.3): NDJSON staged per sync mode, published by finalize. */
import { writeSync } from 'node:fs'
import type { FileHandle } from 'node:fs/promises'
import { mkdir, open } from 'node:fs/promises'
import type { Destination, DestinationContext, DestinationRecord, WriteInfo } from '../../../src/index.ts'
import { BizonError } from '../../../src/index.ts'
import { cutToCommitted, dropCommitted, recordCommitted } from './committed.ts'
import { EnvelopeEncoder, UnnestEncoder } from './encode.ts'
import { type Target, targetOf } from './paths.ts'
import { appendStaging, createEmpty, dropStaging, publishTemp, syncDir } from './publish.ts'

type Encoder = { encode(records: DestinationRecord[], start: number, end: number): string }

/** Records encoded per write call (~100 KB of text for 200 B records). */
const CHUNK = 256
/** Bytes written between background writebacks. */
const WRITEBACK = 8 << 20

/** A file open for appending, and what this run knows of it. */
interface OpenFile {
  path: string
  handle: FileHandle
  /** Size after the last complete write: one fstat per file, not one per page. */
  size: number
  /** Bytes written since the last background writeback started. */
  unsynced: number
  /** The background writeback running, if any. */
  syncing?: Promise<void>
  /** What a background writeback failed with: Linux reports it to one fsync only, so flush throws it. */
  syncError?: unknown
}

/**
 * Starts writeback in the background every WRITEBACK bytes (a datasync on the thread pool while this
 * thread encodes the next pages), so the flush's own datasync finds little left to write.
 */
function writeback(file: OpenFile, bytes: number): void {
  file.unsynced += bytes
  if (file.syncing || file.unsynced < WRITEBACK) return
  file.unsynced = 0
  file.syncing = file.handle
    .datasync()
    .catch((error) => {
      file.syncError ??= error
    })
    .finally(() => {
      file.syncing = undefined
    })
}

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
  const files = new Map<string, OpenFile>()
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

  const fileFor = async (t: Target, path: string): Promise<OpenFile> => {
    let file = files.get(path)
    if (!file) {
      await mkdir(t.dir, { recursive: true })
      const handle = await open(path, 'a')
      await syncDir(t.dir)
      file = { path, handle, size: (await handle.stat()).size, unsynced: 0 }
      files.set(path, file)
    }
    return file
  }

  /** Appends a batch; a batch failing half-way is cut off again. Written (not yet synced) on return. */
  const append = async (file: OpenFile, encoder: Encoder, records: DestinationRecord[]) => {
    // writeSync into the page cache costs what Bun's FileSink does (~0.25 ns a byte) and, unlike
    // the sink, throws a failed write (ENOSPC) here instead of as an unhandled rejection later.
    let bytes = 0
    try {
      for (let start = 0; start < records.length; start += CHUNK) {
        const text = encoder.encode(records, start, Math.min(records.length, start + CHUNK))
        const length = Buffer.byteLength(text)
        const written = writeSync(file.handle.fd, text)
        if (written !== length) throw new Error(`wrote ${written} of ${length} bytes (is the disk full?)`)
        bytes += length
      }
      file.size += bytes
      writeback(file, bytes)
    } catch (error) {
      await file.handle.truncate(file.size).catch(() => {})
      throw error
    }
  }

  const closeAll = async (): Promise<void> => {
    const opened = [...files.values()]
    files.clear()
    // A background datasync still running holds the descriptor: let it end before closing.
    await Promise.all(opened.map((f) => f.syncing))
    await Promise.all(opened.map((f) => f.handle.close()))
  }

  await prepare(ctx.destinationId)

  return {
    async write(records: DestinationRecord[], info: WriteInfo) {
      if (records.length === 0) return
      const id = info?.destinationId ?? ctx.destinationId
      const target = await prepare(id)
      const encoder = encoderFor(id)
      const path = pathFor(target)
      await attempt(`write ${path}`, async () => append(await fileFor(target, path), encoder, records))
    },
    /**
     * Everything appended before the call reaches the disk; the engine commits its cursor after
     * this. Pages go on being appended meanwhile (concurrentFlush): the sizes of now are recorded.
     */
    async flush() {
      const sizes = [...files.values()].map((file) => [file, file.size] as const)
      await attempt('sync the written files', () =>
        Promise.all(
          sizes.map(async ([file, size]) => {
            await file.syncing
            if (file.syncError !== undefined) throw file.syncError
            await file.handle.datasync()
            await recordCommitted(file.path, size)
          }),
        ),
      )
    },
    concurrentFlush: true,
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

/** Crash-safe, idempotent file moves for finalize: publish a full refresh, append an increment. */
import { closeSync, constants, existsSync, fsyncSync, openSync, readSync, statSync, writeSync } from 'node:fs'
import { mkdir, open, readFile, rename, truncate, unlink, writeFile } from 'node:fs/promises'
import { BizonError } from '../../../src/index.ts'
import type { Target } from './paths.ts'

/** Makes a directory entry change (create, rename, unlink) durable. */
export async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r')
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}

async function syncFile(path: string): Promise<void> {
  const handle = await open(path, 'r+')
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}

async function remove(path: string): Promise<boolean> {
  try {
    await unlink(path)
    return true
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false
    throw error
  }
}

/** An empty, durable file at `path` (replacing whatever was there), its folder created if needed. */
export async function createEmpty(path: string, dir: string): Promise<void> {
  await mkdir(dir, { recursive: true })
  await writeFile(path, '')
  await syncFile(path)
  await syncDir(dir)
}

/** Removes `path` if it exists; returns whether it did. */
export async function removeDurably(path: string, dir: string): Promise<boolean> {
  const removed = await remove(path)
  if (removed) await syncDir(dir)
  return removed
}

/** Full refresh: the temp file replaces main in one rename. Without a temp file it is already done. */
export async function publishTemp(t: Target): Promise<void> {
  if (!existsSync(t.temp)) return
  await syncFile(t.temp)
  await rename(t.temp, t.main)
  await syncDir(t.dir)
}

/** Appends staging to main, in chunks so a large staging file never sits in memory. */
function copyInto(from: string, to: string): void {
  const input = openSync(from, 'r')
  const output = openSync(to, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT, 0o644)
  try {
    const chunk = Buffer.allocUnsafe(8 << 20)
    for (let n = readSync(input, chunk); n > 0; n = readSync(input, chunk)) {
      for (let done = 0; done < n; ) done += writeSync(output, chunk, done, n - done)
    }
    fsyncSync(output)
  } finally {
    closeSync(input)
    closeSync(output)
  }
}

/** Main's size recorded before an append started, if one was interrupted. */
async function markedSize(t: Target): Promise<number | undefined> {
  if (!existsSync(t.marker)) return undefined
  const size = Number((await readFile(t.marker, 'utf8')).trim())
  if (!Number.isSafeInteger(size) || size < 0) {
    throw new BizonError(
      'destination',
      `Destination "file" could not recover ${t.main}: the marker ${t.marker} is unreadable. Check ${t.main}, then delete the marker.`,
    )
  }
  return size
}

/** Puts main back to `size` bytes, dropping the part of an interrupted append. */
async function cutBack(t: Target, size: number): Promise<void> {
  const current = existsSync(t.main) ? statSync(t.main).size : 0
  if (current < size) {
    throw new BizonError(
      'destination',
      `Destination "file" could not recover ${t.main}: it is ${current} bytes, shorter than the ${size} bytes it had before the interrupted append. Check the file, then delete ${t.marker}.`,
    )
  }
  if (current > size) {
    await truncate(t.main, size)
    await syncFile(t.main)
  }
}

/**
 * Incremental: appends staging to main. Crash-safe and idempotent: a marker holding main's size
 * is written first; a rerun that finds it with staging still present cuts main back and redoes
 * the append; staging is removed only after the append is durable, and the marker last.
 */
export async function appendStaging(t: Target): Promise<void> {
  let size = await markedSize(t)
  if (existsSync(t.staging)) {
    if (size === undefined) {
      size = existsSync(t.main) ? statSync(t.main).size : 0
      await writeFile(`${t.marker}.tmp`, String(size))
      await syncFile(`${t.marker}.tmp`)
      await rename(`${t.marker}.tmp`, t.marker)
      await syncDir(t.dir)
    } else {
      await cutBack(t, size)
    }
    copyInto(t.staging, t.main)
    await removeDurably(t.staging, t.dir)
  }
  if (size !== undefined) await removeDurably(t.marker, t.dir)
  // A first run without records still publishes a (empty) file, as a full refresh does.
  if (!existsSync(t.main)) await createEmpty(t.main, t.dir)
}

/** A fresh incremental run: forget a previous job's unpublished staging and half-done append. */
export async function dropStaging(t: Target): Promise<void> {
  const size = await markedSize(t)
  if (size !== undefined && existsSync(t.staging)) await cutBack(t, size)
  await removeDurably(t.staging, t.dir)
  if (size !== undefined) await removeDurably(t.marker, t.dir)
}

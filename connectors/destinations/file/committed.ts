/**
 * The size a written file had at its last flush, kept beside it (`<file>.committed`). Lines written
 * after that flush were not checkpointed, so a resumed run fetches them again: it first cuts the
 * file back to this size, which keeps duplicates to the pages whose cursor commit was interrupted.
 */
import { existsSync } from 'node:fs'
import { open, readFile, rename, stat, truncate, unlink } from 'node:fs/promises'
import { dirname } from 'node:path'
import { syncDir } from './publish.ts'

const sidecar = (path: string) => `${path}.committed`

/** Durably records `size` for `path` (write, fsync, rename, fsync folder) before the cursor commits. */
export async function recordCommitted(path: string, size: number): Promise<void> {
  const temporary = `${sidecar(path)}.tmp`
  const handle = await open(temporary, 'w')
  try {
    await handle.writeFile(String(size))
    await handle.sync()
  } finally {
    await handle.close()
  }
  await rename(temporary, sidecar(path))
  await syncDir(dirname(path))
}

/** Resuming: cuts `path` back to its last recorded size (nothing to do without a record). */
export async function cutToCommitted(path: string): Promise<void> {
  if (!existsSync(sidecar(path)) || !existsSync(path)) return
  const size = Number(await readFile(sidecar(path), 'utf8'))
  if (!Number.isSafeInteger(size) || size < 0) return
  if ((await stat(path)).size > size) await truncate(path, size)
}

/** A fresh run or a published file: the record no longer applies. */
export async function dropCommitted(path: string): Promise<void> {
  await unlink(sidecar(path)).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw error
  })
}

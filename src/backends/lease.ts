/** The run lease rules (decision 18): who may take a sync's lease from its current holder. */
import { readFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { formatTimestamp } from '../engine/ids.ts'
import { keyParams } from './sql.ts'
import type { Lease, SyncKey } from './types.ts'

/** True unless `pid` is certainly gone (ESRCH, or a zombie); another user's process answers EPERM. */
export function pidAlive(pid: number): boolean {
  if (pid === process.pid) return true
  if (!(pid > 0)) return false
  try {
    process.kill(pid, 0)
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH'
  }
  try {
    // A killed run whose parent has not reaped it yet still answers signal 0 (Linux only).
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z'
  } catch {
    return true
  }
}

/**
 * What to do with the current lease row (decision 18): refuse while another live holder has it,
 * otherwise the parameters of `leaseTake` (a re-acquire keeps the original `acquired_at`).
 */
export function leasePlan(
  current: Lease,
  key: SyncKey,
  holder: string,
  ttlMs: number,
  now: { date: Date; text: string },
): { refuse: Lease } | { params: unknown[] } {
  const same = current.holder === holder
  const expired = now.date.getTime() - current.heartbeatAt.getTime() > ttlMs
  const dead = current.host === hostname() && !pidAlive(current.pid)
  if (!same && !expired && !dead) return { refuse: current }
  const acquiredAt = same ? formatTimestamp(current.acquiredAt) : now.text
  return { params: [...keyParams(key), holder, hostname(), process.pid, acquiredAt, now.text] }
}

/** Parameters of `leaseInsertIfFree`. */
export function leaseInsertParams(key: SyncKey, holder: string, now: { text: string }): unknown[] {
  return [...keyParams(key), holder, hostname(), process.pid, now.text]
}

/** The run lease (decision 18): one run per sync, kept alive by a heartbeat. */
import { hostname } from 'node:os'
import type { Backend, SyncKey } from '../backends/types.ts'
import { BizonError, messageOf } from '../errors.ts'
import type { Logger } from '../plugin/types.ts'
import { newId } from './ids.ts'

const LEASE_TTL_MS = 30_000
const HEARTBEAT_MS = 10_000

/** Takes the lease (per role: a producer and a consumer of one sync run side by side); returns its release. */
export async function takeLease(
  backend: Backend,
  key: SyncKey,
  role: 'all' | 'producer' | 'consumer',
  logger: Logger,
  lost: AbortController,
): Promise<() => Promise<void>> {
  const leaseKey = role === 'all' ? key : { ...key, streamName: `${key.streamName}#${role}` }
  const holder = `${hostname()}:${process.pid}:${newId().slice(0, 8)}`
  const lease = await backend.acquireLease(leaseKey, holder, LEASE_TTL_MS)
  if (!lease.ok) {
    const { host, pid, acquiredAt } = lease.lease
    throw new BizonError(
      'lease',
      `Pipeline "${key.name}" (${key.sourceName}.${key.streamName}${role === 'all' ? '' : `, ${role}`}) is already running: process ${pid} on host ${host} holds it since ${acquiredAt.toISOString()}.`,
      { hint: 'Wait for that run to finish or stop it; a lease whose holder died expires after 30 s.' },
    )
  }
  const heartbeat = setInterval(() => {
    backend.renewLease(leaseKey, holder).catch((error) => {
      if (!(error instanceof BizonError && error.code === 'lease')) return // transient: retried next beat
      logger.error(`${messageOf(error)} Stopping this run.`)
      lost.abort(error)
    })
  }, HEARTBEAT_MS)
  heartbeat.unref?.()
  return async () => {
    clearInterval(heartbeat)
    await backend.releaseLease(leaseKey, holder)
  }
}

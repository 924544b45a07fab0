/** sqlite_in_memory passes the backend suite and is one database per `database` name (decision 10). */
import { expect, test } from 'bun:test'
import type { Backend } from '../../src/backends/types.ts'
import { backendSuite, openStore, type StoreSpec, syncKey } from '../conformance/backend.suite.ts'

const specs = new WeakMap<Backend, StoreSpec>()
let count = 0

backendSuite(
  'sqlite_in_memory',
  async () => {
    const spec = { type: 'sqlite_in_memory', config: { database: `suite-${process.pid}-${++count}` } }
    const backend = await openStore(spec)
    specs.set(backend, spec)
    return backend
  },
  { spec: (backend) => specs.get(backend)!, crossProcess: false },
)

test('components of one process share the in-memory state, per database name', async () => {
  const name = `shared-${crypto.randomUUID()}`
  const producer = await openStore({ type: 'sqlite_in_memory', config: { database: name } })
  await producer.init()
  const job = await producer.createJob(syncKey(), { syncMode: 'incremental', totalRecordsToFetch: null })
  await producer.close()
  const consumer = await openStore({ type: 'sqlite_in_memory', config: { database: name } })
  await consumer.init()
  expect((await consumer.getJob(job.id))?.syncMode).toBe('incremental')
  const elsewhere = await openStore({ type: 'sqlite_in_memory', config: { database: `${name}-other` } })
  await elsewhere.init()
  expect(await elsewhere.getJob(job.id)).toBeNull()
})

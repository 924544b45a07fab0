/** The nats source and destination examples load with the real config loader. */
import { expect, test } from 'bun:test'
import natsDestination from '../../../../connectors/destinations/nats/index.ts'
import natsSource from '../../../../connectors/sources/nats/index.ts'
import { registry } from '../../../../src/cli/registry.ts'
import { loadPipeline } from '../../../../src/config/load.ts'

// The registry with the nats connectors in it, whether or not connectors/index.ts lists them yet.
const withNats = {
  ...registry,
  sources: [...registry.sources.filter((s) => s.name !== 'nats'), natsSource],
  destinations: [...registry.destinations.filter((d) => d.name !== 'nats'), natsDestination],
}

const examples = [
  ['sources', 'nats-to-file.yml', 'nats'],
  ['sources', 'nats-routes-stream.yml', 'nats'],
  ['destinations', 'synthetic-to-nats.yml', 'nats'],
  ['destinations', 'nats-queue-producer-consumer.yml', 'nats'],
] as const

for (const [kind, name, connector] of examples) {
  test(`example ${kind}/nats/${name} loads with the real config loader`, async () => {
    process.env.NATS_PASSWORD ??= 'example'
    process.env.PGPASSWORD ??= 'example'
    const file = new URL(`../../../../connectors/${kind}/nats/examples/${name}`, import.meta.url).pathname
    const loaded = await loadPipeline(file, withNats)
    const used = kind === 'sources' ? loaded.config.source.name : loaded.config.destination.name
    expect(used).toBe(connector)
  })
}

/** The built-in plugins, as static arrays so `bun build --compile` sees every import. */
import { destinations, sources } from '../../connectors/index.ts'
import { backends } from '../backends/index.ts'
import type { Registry } from '../plugin/registry.ts'
import { queues } from '../queues/index.ts'

export const registry: Registry = { sources, destinations, queues, backends }

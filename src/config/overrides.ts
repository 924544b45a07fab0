/** CLI flags applied to the raw mapping before validation (reference §2.1 step 3, decision 1). */
import { resolve } from 'node:path'

export interface CliOverrides {
  logLevel?: string
  customSource?: string
  customDestination?: string
  runner?: string
  reset?: boolean
  stream?: string
}

export function applyOverrides(raw: unknown, overrides: CliOverrides): unknown {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return raw
  const config = structuredClone(raw) as Record<string, any>
  const block = (parent: Record<string, any>, key: string) => {
    if (!parent[key] || typeof parent[key] !== 'object') parent[key] = {}
    return parent[key] as Record<string, any>
  }
  if (overrides.logLevel) block(block(config, 'engine'), 'runner').log_level = overrides.logLevel
  if (overrides.runner) block(block(config, 'engine'), 'runner').type = overrides.runner
  if (overrides.customSource) block(config, 'source').source_file_path = resolve(overrides.customSource)
  if (overrides.customDestination)
    block(config, 'destination').destination_file_path = resolve(overrides.customDestination)
  if (overrides.reset) block(config, 'source').reset = true
  if (overrides.stream) block(config, 'source').stream = overrides.stream
  return config
}

/** The public SDK: what custom and built-in connectors import as `bizon`. Re-exports only. */
export * as v from 'valibot'
export { BizonError } from './errors.ts'
export type { DestinationCommonConfig, SourceCommonConfig } from './plugin/define.ts'
export { defineDestination, defineSource } from './plugin/define.ts'
export { IsoCache } from './plugin/iso.ts'
export { sleep } from './plugin/sleep.ts'
export type * from './plugin/types.ts'

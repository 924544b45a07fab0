/** The `http` source on its one stream `items`: opened and drained with the shared source driver. */
import decl from '../../../../connectors/sources/http/index.ts'
import type { IncrementalInfo, Pagination, Source } from '../../../../src/index.ts'
import {
  type Drained,
  drain as drainStream,
  type Logged,
  openSource,
} from '../../../helpers/fake-apis/drive.ts'

// The file source's tests take these from here; the driver module is their one home.
export { type Logged, recordingLogger } from '../../../helpers/fake-apis/drive.ts'

export function httpSource(
  config: Record<string, unknown>,
  options: { logs?: Logged[]; signal?: AbortSignal } = {},
): Promise<Source> {
  return openSource(decl, 'items', config, options)
}

export function drain(
  source: Source,
  start: Pagination = {},
  incremental?: IncrementalInfo,
): Promise<Drained> {
  return drainStream(source, 'items', start, incremental)
}

export const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i)

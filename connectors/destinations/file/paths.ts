/** Where a destination id's files live: main, full-refresh temp, incremental staging, append marker. */
import { dirname, isAbsolute, relative, resolve } from 'node:path'
import { BizonError } from '../../../src/index.ts'

export interface Target {
  id: string
  dir: string
  /** `<id>.json`: what readers see. */
  main: string
  /** `<id>_temp.json`: a full refresh writes here, finalize renames it over main. */
  temp: string
  /** `<id>_incremental.json`: an incremental run writes here, finalize appends it to main. */
  staging: string
  /** `<id>_incremental.marker`: main's size before an append in progress (crash recovery). */
  marker: string
}

/**
 * Resolves a destination id to its files. The configured id (`trusted`) may be absolute or hold
 * `..`, it is the operator's choice; an id routed from records must stay inside `baseDir`, so a
 * record cannot make bizon write anywhere on the disk.
 */
export function targetOf(id: string, baseDir: string, trusted: boolean): Target {
  if (!id || id.endsWith('/') || id.includes('\0')) {
    throw new BizonError(
      'destination',
      `Destination "file" could not use destination id "${id}": it must name a file. Set destination.config.destination_id to a file name without extension.`,
    )
  }
  const base = resolve(baseDir, id)
  if (!trusted) {
    const inside = relative(resolve(baseDir), base)
    if (inside === '' || inside === '..' || inside.startsWith('../') || isAbsolute(inside)) {
      throw new BizonError(
        'destination',
        `Destination "file" could not write to routed destination id "${id}": it leads outside ${baseDir}. Route records to plain names.`,
      )
    }
  }
  return {
    id,
    dir: dirname(base),
    main: `${base}.json`,
    temp: `${base}_temp.json`,
    staging: `${base}_incremental.json`,
    marker: `${base}_incremental.marker`,
  }
}

/** The example pipelines of each connector: read from the checkout, or embedded in the binary at build time. */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Example } from './docs.ts'

/** `sources/dummy` → its examples/*.yml, sorted by file name. */
export type ExampleMap = Record<string, Example[]>

export function readExamples(connectorsDir: string): ExampleMap {
  const map: ExampleMap = {}
  for (const kind of ['sources', 'destinations']) {
    const kindDir = join(connectorsDir, kind)
    if (!existsSync(kindDir)) continue
    for (const name of readdirSync(kindDir).sort()) {
      const dir = join(kindDir, name, 'examples')
      if (!existsSync(dir)) continue
      map[`${kind}/${name}`] = readdirSync(dir)
        .filter((file) => file.endsWith('.yml') || file.endsWith('.yaml'))
        .sort()
        .map((file) => ({ file, text: readFileSync(join(dir, file), 'utf8') }))
    }
  }
  return map
}

/** Run as a macro by `bun build`: the examples become data inside the binary. */
export function embeddedExamples(): ExampleMap {
  return readExamples(join(import.meta.dir, '../../connectors'))
}

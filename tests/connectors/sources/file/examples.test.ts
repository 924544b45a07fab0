import { expect, test } from 'bun:test'
import fileSource from '../../../../connectors/sources/file/index.ts'
import httpSource from '../../../../connectors/sources/http/index.ts'
import { registry } from '../../../../src/cli/registry.ts'
import { loadPipeline } from '../../../../src/config/load.ts'

// The registry with these two sources in it, whether or not connectors/index.ts lists them yet.
const withSources = {
  ...registry,
  sources: [
    ...registry.sources.filter((s) => s.name !== 'file' && s.name !== 'http'),
    fileSource,
    httpSource,
  ],
}

const examples = [
  ['file', 'csv-to-file.yml'],
  ['file', 'ndjson-glob-incremental.yml'],
]

for (const [source, name] of examples) {
  test(`example ${source}/${name} loads with the real config loader`, async () => {
    const file = new URL(`../../../../connectors/sources/${source}/examples/${name}`, import.meta.url)
      .pathname
    const loaded = await loadPipeline(file, withSources)
    expect(loaded.config.source.name).toBe(source!)
  })
}

/** The file destination passes the destination conformance suite. */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import decl from '../../../../connectors/destinations/file/index.ts'
import { destinationSuite } from '../../../conformance/destination.suite.ts'

destinationSuite('file', {
  decl,
  config: { format: 'json' },
  examples: ['connectors/destinations/file/examples'],
  async readBack(ctx) {
    const path = join(ctx.baseDir, `${ctx.destinationId}.json`)
    if (!existsSync(path)) return null
    const text = readFileSync(path, 'utf8')
    return text === ''
      ? []
      : text
          .trimEnd()
          .split('\n')
          .map((line) => JSON.parse(line))
  },
})

/** `bizon source list` (reference §3.3). */
import { defineCommand } from 'citty'
import { loadCustomConnector } from '../../plugin/custom.ts'
import type { SourceDeclaration } from '../../plugin/types.ts'
import { registry } from '../registry.ts'

export function streamNames(source: SourceDeclaration): string {
  return Object.keys(source.streams).join(', ')
}

export default defineCommand({
  meta: { name: 'source', description: 'Sources' },
  subCommands: {
    list: defineCommand({
      meta: { name: 'list', description: 'List the available sources and their streams' },
      args: { 'custom-source': { type: 'string', description: 'Also list a custom source .ts file' } },
      async run({ args }) {
        const sources = [...registry.sources]
        if (args['custom-source'])
          sources.push(await loadCustomConnector('source', args['custom-source'], '--custom-source'))
        const lines = sources
          .sort((a, b) => a.name.localeCompare(b.name))
          .map((s) => `${s.name} - [${streamNames(s)}] ${s.summary}`)
        process.stdout.write(`Available sources:\n${lines.join('\n')}\n`)
      },
    }),
  },
})

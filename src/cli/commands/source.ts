/** `bizon source list` (reference §3.3) and `bizon source docs NAME`. */
import { defineCommand } from 'citty'
import { BizonError } from '../../errors.ts'
import { loadCustomConnector } from '../../plugin/custom.ts'
import { didYouMean, findByName } from '../../plugin/registry.ts'
import type { DestinationDeclaration, SourceDeclaration } from '../../plugin/types.ts'
import { registry } from '../registry.ts'

export function streamNames(source: SourceDeclaration): string {
  return Object.keys(source.streams).join(', ')
}

const customSourceArg = {
  'custom-source': { type: 'string', description: 'Also include a custom source .ts file' },
} as const

/** The declarations of a kind: the built-ins plus a custom file when one is given. */
export async function declarationsOf<K extends 'source' | 'destination'>(
  kind: K,
  customFile: string | undefined,
): Promise<(K extends 'source' ? SourceDeclaration : DestinationDeclaration)[]> {
  const list: (SourceDeclaration | DestinationDeclaration)[] = [
    ...(kind === 'source' ? registry.sources : registry.destinations),
  ]
  if (customFile) list.push(await loadCustomConnector(kind, customFile, `--custom-${kind}`))
  return list as never
}

/** Prints the generated markdown docs of one connector (same text as its README.md). */
export async function printDocs(kind: 'source' | 'destination', name: string, customFile?: string) {
  const list = await declarationsOf(kind, customFile)
  const found = findByName(list.toReversed(), name)
  if (!found) {
    const suggestion = didYouMean(
      name,
      list.map((d) => d.name),
    )
    throw new BizonError('usage', `${kind === 'source' ? 'Source' : 'Destination'} ${name} not found.`, {
      hint: suggestion ? `Did you mean "${suggestion}"?` : `See \`bizon ${kind} list\`.`,
    })
  }
  const { examplesOf, renderDocs } = await import('../../plugin/docs.ts')
  process.stdout.write(renderDocs(found, customFile && found === list.at(-1) ? [] : examplesOf(found)))
}

export default defineCommand({
  meta: { name: 'source', description: 'Sources' },
  subCommands: {
    list: defineCommand({
      meta: { name: 'list', description: 'List the available sources and their streams' },
      args: customSourceArg,
      async run({ args }) {
        const sources = await declarationsOf('source', args['custom-source'])
        const lines = sources
          .sort((a, b) => a.name.localeCompare(b.name))
          .map((s) => `${s.name} - [${streamNames(s)}] ${s.summary}`)
        process.stdout.write(`Available sources:\n${lines.join('\n')}\n`)
      },
    }),
    docs: defineCommand({
      meta: {
        name: 'docs',
        description: 'Print the docs of a source (markdown: streams, config keys, examples)',
      },
      args: { name: { type: 'positional', description: 'Source name', required: true }, ...customSourceArg },
      run: ({ args }) => printDocs('source', args.name, args['custom-source']),
    }),
  },
})

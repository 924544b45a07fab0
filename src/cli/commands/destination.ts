/** `bizon destination list` and `bizon destination docs NAME`. */
import { defineCommand } from 'citty'
import { declarationsOf, printDocs } from './source.ts'

const customDestinationArg = {
  'custom-destination': { type: 'string', description: 'Also include a custom destination .ts file' },
} as const

export default defineCommand({
  meta: { name: 'destination', description: 'Destinations' },
  subCommands: {
    list: defineCommand({
      meta: { name: 'list', description: 'List the available destinations' },
      args: customDestinationArg,
      async run({ args }) {
        const lines = (await declarationsOf('destination', args['custom-destination']))
          .sort((a, b) => a.name.localeCompare(b.name))
          .map((d) => `${d.name} - ${d.summary}`)
        process.stdout.write(`Available destinations:\n${lines.join('\n')}\n`)
      },
    }),
    docs: defineCommand({
      meta: {
        name: 'docs',
        description: 'Print the docs of a destination (markdown: config keys, examples)',
      },
      args: {
        name: { type: 'positional', description: 'Destination name', required: true },
        ...customDestinationArg,
      },
      run: ({ args }) => printDocs('destination', args.name, args['custom-destination']),
    }),
  },
})

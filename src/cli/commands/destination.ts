/** `bizon destination list`. */
import { defineCommand } from 'citty'
import { registry } from '../registry.ts'

export default defineCommand({
  meta: { name: 'destination', description: 'Destinations' },
  subCommands: {
    list: defineCommand({
      meta: { name: 'list', description: 'List the available destinations' },
      run() {
        const lines = [...registry.destinations]
          .sort((a, b) => a.name.localeCompare(b.name))
          .map((d) => `${d.name} - ${d.summary}`)
        process.stdout.write(`Available destinations:\n${lines.join('\n')}\n`)
      },
    }),
  },
})

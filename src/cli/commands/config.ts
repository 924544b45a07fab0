/** `bizon config schema`: the JSON Schema of a pipeline file, for editors (stdout only). */
import { defineCommand } from 'citty'
import { loadCustomConnector } from '../../plugin/custom.ts'
import { registry } from '../registry.ts'

const schema = defineCommand({
  meta: {
    name: 'schema',
    description: 'Print the JSON Schema (draft-07) of a pipeline config, for editor completion and checks',
  },
  args: {
    'custom-source': { type: 'string', description: 'Include a custom source .ts file' },
    'custom-destination': { type: 'string', description: 'Include a custom destination .ts file' },
  },
  async run({ args }) {
    const { pipelineJsonSchema } = await import('../../plugin/json-schema.ts')
    const customSource = args['custom-source']
      ? await loadCustomConnector('source', args['custom-source'], '--custom-source')
      : undefined
    const customDestination = args['custom-destination']
      ? await loadCustomConnector('destination', args['custom-destination'], '--custom-destination')
      : undefined
    const json = pipelineJsonSchema(registry, { customSource, customDestination })
    // `bizon config schema | head` closes the pipe early: that is not an error.
    process.stdout.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error
      process.exit(0)
    })
    process.stdout.write(`${JSON.stringify(json, null, 2)}\n`)
  },
})

export default defineCommand({
  meta: { name: 'config', description: 'Pipeline config tools' },
  subCommands: { schema },
})

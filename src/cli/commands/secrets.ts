/** `bizon secrets check FILE`: resolves every reference, prints masked results (reference §3.6). */
import { dirname, resolve } from 'node:path'
import { defineCommand } from 'citty'
import { readPipelineFile } from '../../config/load.ts'
import { applyLegacyEnv, collectReferences, formatPath, resolveReference } from '../../config/references.ts'
import { BizonError, messageOf } from '../../errors.ts'
import { envFileArg, fileArg } from '../common.ts'

export default defineCommand({
  meta: { name: 'secrets', description: 'Secrets: check' },
  subCommands: {
    check: defineCommand({
      meta: {
        name: 'check',
        description: 'Resolve every env:// and file:// reference of a pipeline (values never printed)',
      },
      args: { ...fileArg, ...envFileArg },
      run({ args }) {
        const parsed = readPipelineFile(args.file, args['env-file'])
        const references = collectReferences(applyLegacyEnv(parsed.value))
        if (references.length === 0) {
          process.stdout.write('No env:// / file:// references found in config.\n')
          return
        }
        const baseDir = dirname(resolve(args.file))
        const rows = references.map(({ path, reference }) => {
          try {
            const value = resolveReference(reference, baseDir)
            return [formatPath(path), reference, `✓  (${value.length} chars)`]
          } catch (error) {
            return [formatPath(path), reference, `✗  ${messageOf(error)}`]
          }
        })
        const width = (i: number) => Math.max(...rows.map((r) => r[i]!.length))
        for (const row of rows)
          process.stdout.write(`${row[0]!.padEnd(width(0))}   ${row[1]!.padEnd(width(1))}   ${row[2]}\n`)
        const failed = rows.filter((r) => r[2]!.startsWith('✗')).length
        if (failed)
          throw new BizonError('config', `${failed} reference(s) failed to resolve.`, {
            hint: 'Set the missing variables or files.',
          })
        process.stdout.write(`All ${rows.length} reference(s) resolved.\n`)
      },
    }),
  },
})

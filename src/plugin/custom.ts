/** Loads a user's connector file (`--custom-source`, `source_file_path`) against the public SDK. */
import { existsSync, readFileSync } from 'node:fs'
import { extname, resolve } from 'node:path'
import { BizonError, messageOf } from '../errors.ts'
import * as sdk from '../index.ts'
import type { DestinationDeclaration, SourceDeclaration } from './types.ts'

let registered = false

/** Makes `import ... from 'bizon'` resolve to this binary's SDK, with no node_modules needed. */
export function registerSdkModule(): void {
  if (registered) return
  registered = true
  Bun.plugin({
    name: 'bizon-sdk',
    setup(build) {
      build.module('bizon', () => ({ exports: { ...sdk, default: sdk }, loader: 'object' }))
    },
  })
}

export async function loadCustomConnector<K extends 'source' | 'destination'>(
  kind: K,
  file: string,
  configKey: string,
): Promise<K extends 'source' ? SourceDeclaration : DestinationDeclaration> {
  const path = resolve(file)
  if (!existsSync(path))
    throw new BizonError('config', `File ${file} not found.`, {
      path: configKey,
      hint: 'Check the path of the custom connector file.',
    })
  if (!['.ts', '.js', '.mts', '.mjs', '.tsx'].includes(extname(path)))
    throw new BizonError('config', `File ${file} is not a TypeScript or JavaScript file.`, {
      path: configKey,
      hint: 'A custom connector is a .ts (or .js) file.',
    })
  registerSdkModule()
  let module: Record<string, unknown>
  try {
    module = await import(path)
  } catch (error) {
    const missing = missingPackage(error)
    throw new BizonError('config', `Custom ${kind} ${file} failed to load: ${whereAndWhat(error, path)}`, {
      path: configKey,
      hint: missing
        ? `Install it beside the file (\`npm install ${missing}\`), or fix the import.`
        : 'Fix the error in that file.',
      cause: error,
    })
  }
  const declaration = (module.default ?? Object.values(module).find(isDeclaration)) as
    | { kind?: string }
    | undefined
  if (!isDeclaration(declaration) || declaration.kind !== kind) {
    const define = kind === 'source' ? 'defineSource' : 'defineDestination'
    throw new BizonError('config', `Custom ${kind} ${file} does not export a ${kind} declaration.`, {
      path: configKey,
      hint: `Write \`export default ${define}({...})\` with \`import { ${define} } from 'bizon'\`.`,
    })
  }
  return declaration as never
}

function isDeclaration(value: unknown): value is { kind: string } {
  return !!value && typeof value === 'object' && 'kind' in value && 'create' in value
}

/** `file:line:col message` from a load error (syntax errors carry a position; others a stack). */
function whereAndWhat(error: unknown, path: string): string {
  // Bun reports build errors as an aggregate whose items carry positions.
  const first = (error as { errors?: unknown[] })?.errors?.[0]
  if (first) return whereAndWhat(first, path)
  const e = error as {
    message?: string
    line?: number
    column?: number
    position?: { line: number; column: number }
  }
  const message = sentence(messageOf(error).split('\n')[0] ?? '')
  const missing = missingPackage(error)
  if (missing) {
    // The resolver names the importing file but no line: find the import in that file.
    const importer = /imported from (\S+?)\.?$/.exec(message)?.[1] ?? path
    const line = lineOf(importer, missing)
    if (line) return `${importer}:${line} ${message}`
  }
  const position = e.position ?? (e.line ? { line: e.line, column: e.column ?? 0 } : undefined)
  if (position) return `${path}:${position.line}:${position.column} ${message}`
  const frame = (error as Error)?.stack?.split('\n').find((line) => line.includes(path))
  const at = frame?.match(/:(\d+):(\d+)\)?$/)
  return at ? `${path}:${at[1]}:${at[2]} ${message}` : message
}

/** The package a load error could not resolve, if that is what failed. */
function missingPackage(error: unknown): string | undefined {
  return /Cannot find (?:package|module) '([^']+)'/.exec(messageOf(error))?.[1]
}

/** `line:column` (1-based) of the first quoted `specifier` in a file: where it is imported. */
function lineOf(file: string, specifier: string): string | undefined {
  try {
    const lines = readFileSync(file, 'utf8').split('\n')
    for (const [i, line] of lines.entries()) {
      const column = Math.max(line.indexOf(`'${specifier}'`), line.indexOf(`"${specifier}"`))
      if (column >= 0) return `${i + 1}:${column + 1}`
    }
  } catch {
    // unreadable: the message without a position still names the file
  }
  return undefined
}

/** Ends a message with a period so the hint after it reads as a new sentence. */
function sentence(text: string): string {
  return /[.!?:]$/.test(text.trim()) ? text.trim() : `${text.trim()}.`
}

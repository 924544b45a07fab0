/** Arguments and steps shared by the commands that read a pipeline file. */
import type { ArgsDef } from 'citty'
import { type LoadOptions, loadPipeline } from '../config/load.ts'
import type { LoadedPipeline } from '../config/types.ts'
import { BizonError } from '../errors.ts'
import { type BizonLogger, createLogger, type LogFormat, parseLogLevel } from '../observe/log.ts'
import { registry } from './registry.ts'
import { rememberSecrets } from './secrets-in-use.ts'

export const fileArg = {
  file: { type: 'positional', description: 'Pipeline YAML file', required: true },
} as const satisfies ArgsDef

export const envFileArg = {
  'env-file': {
    type: 'string',
    description: 'Load environment variables from this file (default: .env beside the config, then ./.env)',
  },
} as const satisfies ArgsDef

export const debugArg = {
  debug: { type: 'boolean', description: 'Show stack traces in errors' },
} as const satisfies ArgsDef

export const logArgs = {
  'log-level': {
    type: 'string',
    description: 'TRACE, DEBUG, INFO, WARNING, ERROR or CRITICAL (overrides engine.runner.log_level)',
  },
  'log-format': {
    type: 'string',
    description: 'text (default) or json (one object per line, for log shippers)',
  },
} as const satisfies ArgsDef

export function checkChoice(flag: string, value: string | undefined, choices: string[]): string | undefined {
  if (value === undefined) return undefined
  if (!choices.includes(value))
    throw new BizonError('usage', `Invalid value for --${flag}: "${value}".`, {
      hint: `Use one of: ${choices.join(', ')}.`,
    })
  return value
}

export async function loadForCommand(file: string, options: LoadOptions): Promise<LoadedPipeline> {
  const loaded = await loadPipeline(file, registry, options)
  rememberSecrets(loaded.secrets)
  return loaded
}

export function loggerFor(
  loaded: LoadedPipeline | undefined,
  args: { 'log-level'?: string; 'log-format'?: string },
): BizonLogger {
  const level = parseLogLevel(args['log-level'] ?? loaded?.config.engine.runner.log_level ?? 'INFO') ?? 'INFO'
  const format = (checkChoice('log-format', args['log-format'], ['text', 'json']) ?? 'text') as LogFormat
  const fields = loaded
    ? { pipeline: loaded.config.name, source: loaded.config.source.name, stream: loaded.config.source.stream }
    : {}
  return createLogger({ level, format, fields, secrets: loaded?.secrets ?? [] })
}

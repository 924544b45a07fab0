/** Loads a pipeline file: .env → YAML → CLI overrides → references → validation (reference §2.1). */
import { existsSync, readFileSync, statSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { BizonError, type ConfigIssue, configError } from '../errors.ts'
import type { Registry } from '../plugin/registry.ts'
import { loadEnvFile } from './env-file.ts'
import { applyOverrides, type CliOverrides } from './overrides.ts'
import { literalSecrets, redactConfig } from './redact.ts'
import { applyLegacyEnv, formatPath, resolveReferences } from './references.ts'
import type { LoadedPipeline } from './types.ts'
import { validatePipeline } from './validate.ts'
import { parseYaml } from './yaml.ts'

export interface LoadOptions extends CliOverrides {
  envFile?: string
}

/** Reads and parses the YAML of a pipeline file (after loading its .env). */
export function readPipelineFile(file: string, envFile?: string) {
  if (!existsSync(file))
    throw new BizonError('usage', `Config file ${file} does not exist.`, {
      hint: 'Pass the path of a pipeline YAML file.',
    })
  if (statSync(file).isDirectory())
    throw new BizonError('usage', `Config file ${file} is a folder.`, {
      hint: 'Pass the path of a pipeline YAML file.',
    })
  loadEnvFile({ envFile, configFile: file })
  const parsed = parseYaml(readFileSync(file, 'utf8'), file)
  if (!parsed.value || typeof parsed.value !== 'object' || Array.isArray(parsed.value))
    throw configError(file, [
      {
        path: '(root)',
        message: 'The file must hold a mapping of config keys.',
        hint: 'Start with `name:`, `source:` and `destination:`.',
      },
    ])
  return parsed
}

export async function loadPipeline(
  file: string,
  registry: Registry,
  options: LoadOptions = {},
): Promise<LoadedPipeline> {
  const parsed = readPipelineFile(file, options.envFile)
  const baseDir = dirname(resolve(file))
  const overridden = applyOverrides(parsed.value, options)
  const redacted = redactConfig(overridden)
  const legacy = applyLegacyEnv(overridden)
  const resolved = resolveReferences(legacy, baseDir)
  const issues: ConfigIssue[] = resolved.problems.map((p) => ({
    path: formatPath(p.path),
    location: parsed.locate(p.path),
    message: p.message,
    hint: p.hint,
  }))
  const { issues: validation, result } = await validatePipeline(resolved.value, registry, {
    locate: parsed.locate,
    baseDir,
  })
  issues.push(...validation)
  if (issues.length || !result) throw configError(file, issues.sort(byLocation))
  const secrets = [...new Set([...resolved.secrets, ...literalSecrets(legacy)])]
  return { file, baseDir, redacted, secrets, ...result }
}

function byLocation(a: ConfigIssue, b: ConfigIssue): number {
  const [al = 0, ac = 0] = (a.location ?? '').split(':').map(Number)
  const [bl = 0, bc = 0] = (b.location ?? '').split(':').map(Number)
  return al - bl || ac - bc
}

/** Validates a resolved pipeline mapping against the schemas of the plugins it names; collects every problem. */
import { resolve } from 'node:path'
import * as v from 'valibot'
import type { BackendDeclaration } from '../backends/types.ts'
import { BizonError, type ConfigIssue } from '../errors.ts'
import { loadCustomConnector } from '../plugin/custom.ts'
import { didYouMean, findByName, type Registry } from '../plugin/registry.ts'
import type { DestinationDeclaration, SourceDeclaration } from '../plugin/types.ts'
import type { QueueDeclaration } from '../queues/types.ts'
import { strictify, toConfigIssues } from './issues.ts'
import { type ConfigPath, formatPath } from './references.ts'
import {
  AlertingSchema,
  destinationCommonEntries,
  MonitoringSchema,
  mergedObject,
  pluginBlock,
  RunnerSchema,
  SecretsSchema,
  StreamRouteSchema,
  sourceCommonEntries,
  TopLevelSchema,
  TransformSchema,
} from './schema.ts'
import type { PipelineConfig } from './types.ts'

export interface Validated {
  config: PipelineConfig
  source: SourceDeclaration
  destination: DestinationDeclaration
  queue: QueueDeclaration
  backend: BackendDeclaration
}

type Locate = (path: ConfigPath, key?: boolean) => string | undefined

const MAPPINGS: string[][] = [
  ['source'],
  ['destination'],
  ['destination', 'config'],
  ['engine'],
  ['engine', 'backend'],
  ['engine', 'backend', 'config'],
  ['engine', 'queue'],
  ['engine', 'queue', 'config'],
  ['engine', 'runner'],
  ['engine', 'runner', 'config'],
  ['secrets'],
  ['monitoring'],
  ['monitoring', 'config'],
  ['alerting'],
  ['alerting', 'config'],
]

export async function validatePipeline(
  raw: unknown,
  registry: Registry,
  options: { locate: Locate; baseDir: string },
): Promise<{ issues: ConfigIssue[]; result?: Validated }> {
  const issues: ConfigIssue[] = []
  const { locate } = options
  const check = <S extends v.GenericSchema>(schema: S, value: unknown, prefix: ConfigPath) => {
    const parsed = v.safeParse(schema, value, { abortEarly: false })
    if (!parsed.success)
      issues.push(...toConfigIssues(parsed.issues, { prefix, schema: schema as never, locate }))
    return parsed.success ? (parsed.output as v.InferOutput<S>) : undefined
  }
  const problem = (path: ConfigPath, message: string, hint?: string, key = false) =>
    issues.push({ path: formatPath(path), location: locate(path, key), message, hint })

  // valibot's object and record schemas take lists too: blocks that must be mappings are checked first.
  for (const path of MAPPINGS) {
    const value = path.reduce<unknown>(
      (node, key) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined),
      raw,
    )
    if (Array.isArray(value))
      problem(
        path,
        'Expected a mapping (key: value lines), got a list.',
        'Write the keys of this block, not a list.',
      )
  }
  if (issues.length) return { issues }
  const top = check(TopLevelSchema, raw, [])
  if (!top) return { issues }

  // engine
  const engineRaw = top.engine ?? {}
  const engineTop = check(
    v.strictObject({
      backend: v.optional(v.unknown()),
      queue: v.optional(v.unknown()),
      runner: v.optional(v.unknown()),
    }),
    engineRaw,
    ['engine'],
  )
  const backendRaw = (engineTop?.backend as Record<string, unknown>) ?? { type: 'sqlite', config: {} }
  const queueRaw = (engineTop?.queue as Record<string, unknown>) ?? { type: 'memory', config: {} }
  const backendDecl = pickPlugin(registry.backends, backendRaw?.type, ['engine', 'backend', 'type'], problem)
  const queueDecl = pickPlugin(registry.queues, queueRaw?.type, ['engine', 'queue', 'type'], problem)
  const backendNames = registry.backends.map((b) => b.name)
  const queueNames = registry.queues.flatMap((q) => [q.name, ...(q.aliases ?? [])])
  const backend = backendDecl
    ? check(pluginBlock(backendNames, backendDecl.config && strictify(backendDecl.config)), backendRaw, [
        'engine',
        'backend',
      ])
    : undefined
  const queue = queueDecl
    ? check(pluginBlock(queueNames, queueDecl.config && strictify(queueDecl.config)), queueRaw, [
        'engine',
        'queue',
      ])
    : undefined
  const runner = check(RunnerSchema, engineTop?.runner ?? {}, ['engine', 'runner'])

  // source
  const sourceRaw = top.source
  let sourceDecl: SourceDeclaration | undefined
  const customFile = sourceRaw.source_file_path
  if (typeof customFile === 'string') {
    try {
      sourceDecl = await loadCustomConnector(
        'source',
        resolveFrom(customFile, options.baseDir),
        'source.source_file_path',
      )
    } catch (error) {
      if (!(error instanceof BizonError)) throw error
      problem(['source', 'source_file_path'], error.message, error.hint)
    }
  } else sourceDecl = pickPlugin(registry.sources, sourceRaw.name, ['source', 'name'], problem)
  const source = sourceDecl
    ? check(mergedObject(sourceCommonEntries, sourceDecl.config && strictify(sourceDecl.config)), sourceRaw, [
        'source',
      ])
    : undefined
  if (sourceDecl && source) checkStream(sourceDecl, source as never, problem)

  // destination
  const destinationRaw = top.destination
  let destinationDecl: DestinationDeclaration | undefined
  const customDestination = destinationRaw.destination_file_path
  if (typeof customDestination === 'string') {
    try {
      destinationDecl = await loadCustomConnector(
        'destination',
        resolveFrom(customDestination, options.baseDir),
        'destination.destination_file_path',
      )
    } catch (error) {
      if (!(error instanceof BizonError)) throw error
      problem(['destination', 'destination_file_path'], error.message, error.hint)
    }
  } else
    destinationDecl = pickPlugin(registry.destinations, destinationRaw.name, ['destination', 'name'], problem)
  const destination = destinationDecl
    ? check(
        v.strictObject({
          name: v.string(),
          alias: v.optional(v.string()),
          destination_file_path: v.optional(v.string()),
          config: v.optional(
            mergedObject(
              destinationCommonEntries,
              destinationDecl.config && strictify(destinationDecl.config),
            ),
            {},
          ),
        }),
        destinationRaw,
        ['destination'],
      )
    : undefined

  // the rest
  const transforms = (top.transforms ?? []).map((t, i) => check(TransformSchema, t, ['transforms', i]))
  transforms.forEach((t, i) => {
    if (!t) return
    if (t.python !== undefined)
      problem(
        ['transforms', i, 'python'],
        'Python transforms are not supported by bizon.',
        'Rewrite it as `js:` (a JavaScript function body with `data` in scope).',
        true,
      )
    else if (t.js === undefined)
      problem(['transforms', i], 'Missing required key "js".', 'Add `js:` with a JavaScript function body.')
    else {
      try {
        new Function('data', t.js)
      } catch (error) {
        problem(
          ['transforms', i, 'js'],
          `Transform "${t.label}" does not compile: ${(error as Error).message}.`,
          'Fix the JavaScript.',
        )
      }
    }
  })
  const secrets = top.secrets === undefined ? undefined : check(SecretsSchema, top.secrets, ['secrets'])
  const monitoring =
    top.monitoring === undefined ? undefined : check(MonitoringSchema, top.monitoring, ['monitoring'])
  if (monitoring && !monitoring.config?.datadog_agent_host && !monitoring.config?.datadog_host_env_var)
    problem(
      ['monitoring', 'config'],
      'Either datadog_agent_host or datadog_host_env_var must be specified.',
      'Add one of them under monitoring.config.',
    )
  const alerting = top.alerting === undefined ? undefined : check(AlertingSchema, top.alerting, ['alerting'])
  const streams = (top.streams ?? []).map((s, i) => check(StreamRouteSchema, s, ['streams', i]))

  // cross-field rules (reference §2.11, decision 8)
  if (source && streams.length > 0 && source.sync_mode !== 'stream')
    problem(
      ['source', 'sync_mode'],
      `'streams' requires source.sync_mode: stream (got ${source.sync_mode}).`,
      'Set source.sync_mode: stream.',
    )
  const tables = streams.map((s) => s?.destination.table_id).filter(Boolean)
  const duplicate = tables.find((t, i) => tables.indexOf(t) !== i)
  if (duplicate)
    problem(
      ['streams'],
      `Duplicate table_id "${duplicate}" in streams.`,
      'Give each stream its own table_id.',
    )
  const names = streams.map((s) => s?.name).filter(Boolean)
  const duplicateName = names.find((n, i) => names.indexOf(n) !== i)
  if (duplicateName)
    problem(
      ['streams'],
      `Duplicate stream name "${duplicateName}" in streams.`,
      'Give each stream a unique name.',
    )
  const destConfig = destination?.config as PipelineConfig['destination']['config'] | undefined
  if (destConfig && streams.length > 0 && !destConfig.record_schemas?.length) {
    const injected = streams
      .filter((s) => s?.destination.record_schema)
      .map((s) => ({ destination_id: s!.destination.table_id, record_schema: s!.destination.record_schema! }))
    if (injected.length) destConfig.record_schemas = injected as never
  }
  if (destConfig?.unnest && !destConfig.record_schemas?.length)
    problem(
      ['destination', 'config', 'unnest'],
      'At least one `record_schemas` must be provided if `unnest` is set to true.',
      'Add destination.config.record_schemas or set unnest: false.',
    )
  if (runner?.type === 'stream' && source && source.sync_mode !== 'stream')
    problem(
      ['engine', 'runner', 'type'],
      `The stream runner needs source.sync_mode: stream (got ${source.sync_mode}).`,
      'Set source.sync_mode: stream or use the thread runner.',
    )

  if (
    issues.length ||
    !top ||
    !source ||
    !destination ||
    !backend ||
    !queue ||
    !runner ||
    !sourceDecl ||
    !destinationDecl ||
    !backendDecl ||
    !queueDecl
  )
    return { issues }
  const config = {
    name: top.name,
    source,
    destination: { ...destination, alias: destination.alias ?? destination.name, config: destination.config },
    transforms: transforms.map((t) => ({ label: t!.label, js: t!.js! })),
    engine: { backend, queue, runner },
    secrets,
    monitoring,
    alerting,
    streams: streams as PipelineConfig['streams'],
  } as unknown as PipelineConfig
  return {
    issues,
    result: {
      config,
      source: sourceDecl,
      destination: destinationDecl,
      queue: queueDecl,
      backend: backendDecl,
    },
  }
}

function pickPlugin<T extends { name: string; aliases?: string[] }>(
  list: T[],
  name: unknown,
  path: ConfigPath,
  problem: (path: ConfigPath, message: string, hint?: string) => void,
): T | undefined {
  if (typeof name !== 'string') {
    problem(
      path,
      name === undefined
        ? `Missing required key "${path.at(-1)}".`
        : `Expected a string, got ${JSON.stringify(name)}.`,
      `One of: ${list.map((p) => p.name).join(', ')}.`,
    )
    return undefined
  }
  const found = findByName(list, name)
  if (!found) {
    const names = list.flatMap((p) => [p.name, ...(p.aliases ?? [])])
    const suggestion = didYouMean(name, names)
    problem(
      path,
      `Unknown ${path[0] === 'engine' ? String(path[1]) : String(path[0])} "${name}".`,
      suggestion ? `Did you mean "${suggestion}"?` : `Available: ${list.map((p) => p.name).join(', ')}.`,
    )
  }
  return found
}

function checkStream(
  decl: SourceDeclaration,
  source: { stream: string; sync_mode: string; name: string },
  problem: (path: ConfigPath, message: string, hint?: string) => void,
) {
  const streams = Object.keys(decl.streams)
  const info = decl.streams[source.stream] ?? decl.streams['*']
  if (!info) {
    const suggestion = didYouMean(source.stream, streams)
    problem(
      ['source', 'stream'],
      `Stream "${source.stream}" not found in source "${decl.name}".`,
      suggestion
        ? `Did you mean "${suggestion}"? Available streams: ${streams.join(', ')}.`
        : `Available streams: ${streams.join(', ')}.`,
    )
    return
  }
  if (source.sync_mode === 'incremental' && !info.incremental) {
    const modes = ['full_refresh', ...(info.stream ? ['stream'] : [])]
    problem(
      ['source', 'sync_mode'],
      `Source "${decl.name}" stream "${source.stream}" does not support incremental.`,
      `Supported modes: ${modes.join(', ')}.`,
    )
  }
  if (source.sync_mode === 'stream' && !info.stream)
    problem(
      ['source', 'sync_mode'],
      `Source "${decl.name}" stream "${source.stream}" does not support stream mode.`,
      `Supported modes: full_refresh${info.incremental ? ', incremental' : ''}.`,
    )
}

function resolveFrom(file: string, baseDir: string): string {
  return resolve(baseDir, file)
}

/** JSON Schema (draft-07) of a whole pipeline config, built from the declarations the loader validates with. */
import { toJsonSchema } from '@valibot/to-json-schema'
import type * as v from 'valibot'
import { strictify } from '../config/issues.ts'
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
} from '../config/schema.ts'
import type { Registry } from './registry.ts'
import type { DestinationDeclaration, ObjectSchema, SourceDeclaration } from './types.ts'

export type Json = Record<string, any>

export interface SchemaOptions {
  customSource?: SourceDeclaration
  customDestination?: DestinationDeclaration
}

/** One valibot schema as JSON Schema; actions JSON Schema cannot express (checks, transforms) are left out. */
export function convert(schema: v.GenericSchema): Json {
  const { $schema: _, ...rest } = toJsonSchema(schema, {
    errorMode: 'ignore',
    typeMode: 'input',
    overrideAction({ valibotAction, jsonSchema }) {
      const regex = (valibotAction as { requirement?: unknown }).requirement
      if (valibotAction.type === 'regex' && regex instanceof RegExp && regex.flags.includes('i'))
        return { ...jsonSchema, pattern: caseless(regex.source) }
      return undefined
    },
  }) as Json
  return rest
}

/** JSON Schema patterns have no flags: spell `/kb/i` as `[kK][bB]` (letters and a-z ranges only). */
export function caseless(source: string): string {
  let out = ''
  let inClass = false
  let extra = ''
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!
    if (c === '\\') {
      out += c + (source[i + 1] ?? '')
      i++
    } else if (inClass && c === ']') {
      out += `${extra}]`
      inClass = false
    } else if (inClass) {
      out += c
      if (/[a-z]/i.test(c)) extra += swap(c)
      else if (c === '-' && /[a-z]/i.test(source[i - 1] ?? '')) extra += '-'
    } else if (c === '[') {
      out += c
      inClass = true
      extra = ''
    } else out += /[a-z]/i.test(c) ? `[${c}${swap(c)}]` : c
  }
  return out
}

const swap = (c: string) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase())

const own = (config: ObjectSchema | undefined) => config && strictify(config)

/** `source:` of one declaration: the common keys merged with the connector's own (as the loader does). */
export function sourceSchema(decl: SourceDeclaration, builtIn = true): Json {
  const schema = convert(mergedObject(sourceCommonEntries, own(decl.config)))
  schema.description = decl.summary
  if (builtIn) schema.properties.name = { const: decl.name, description: `Source ${decl.name}.` }
  const streams = Object.keys(decl.streams)
  if (!streams.includes('*')) {
    schema.properties.stream = { ...schema.properties.stream, enum: streams }
    const incremental = streams.filter((s) => decl.streams[s]?.incremental)
    const live = streams.filter((s) => decl.streams[s]?.stream)
    schema.allOf = [modeRule('incremental', incremental), modeRule('stream', live)]
  }
  return schema
}

/** JSON Schema's `{if, then, else}`. */
function ifThen(condition: Json, then: Json | boolean, otherwise?: Json): Json {
  const schema: Json = { if: condition, then }
  if (otherwise) schema.else = otherwise
  return schema
}

/** The streams that support a sync mode (checkStream in the loader). */
function modeRule(mode: string, streams: string[]): Json {
  return ifThen(
    { properties: { sync_mode: { const: mode } }, required: ['sync_mode'] },
    streams.length ? { properties: { stream: { enum: streams } } } : false,
  )
}

/** The whole `destination:` block of one declaration; `config` merges the common keys with its own. */
export function destinationSchema(decl: DestinationDeclaration, builtIn = true): Json {
  const config = convert(mergedObject(destinationCommonEntries, own(decl.config)))
  return {
    type: 'object',
    description: decl.summary,
    required: ['name'],
    additionalProperties: false,
    properties: {
      name: builtIn ? { const: decl.name, description: `Destination ${decl.name}.` } : { type: 'string' },
      alias: { type: 'string', description: 'Monitoring tag of this destination (default: its name).' },
      destination_file_path: {
        type: 'string',
        description: 'Path of a custom destination .ts file (same as --custom-destination).',
      },
      config,
    },
  }
}

/**
 * A block chosen by one key (`name`, `type`): each declaration's schema applies when the key matches;
 * a custom file (`fileKey` present) replaces them all, as in the loader.
 */
function byName(
  key: string,
  fileKey: string,
  kind: string,
  builtIns: { names: string[]; ref: string }[],
  custom: { name?: string; schema: Json },
): Json {
  const noFile = { not: { required: [fileKey] } }
  const names = builtIns.flatMap((b) => b.names).filter((n) => n !== custom.name)
  const customIf: Json = custom.name
    ? { anyOf: [{ required: [fileKey] }, { properties: { [key]: { const: custom.name } }, required: [key] }] }
    : { required: [fileKey] }
  return {
    type: 'object',
    required: [key],
    properties: { [key]: { type: 'string', description: `${kind} name.` } },
    allOf: [
      ...builtIns
        .filter((b) => !b.names.includes(custom.name ?? ''))
        .map((b) =>
          ifThen({ properties: { [key]: { enum: b.names } }, required: [key], ...noFile }, { $ref: b.ref }),
        ),
      ifThen(customIf, custom.schema, { properties: { [key]: { enum: names } } }),
    ],
  }
}

/** `{type, config}` of `engine.backend` / `engine.queue`, by `type`. */
function byType(list: { name: string; aliases?: string[]; summary: string; config?: ObjectSchema }[]): Json {
  const all = list.flatMap((p) => [p.name, ...(p.aliases ?? [])])
  return {
    type: 'object',
    required: ['type'],
    properties: {
      type: { enum: all, description: list.map((p) => `${p.name}: ${p.summary}`).join('\n') },
    },
    allOf: list.map((p) => {
      const names = [p.name, ...(p.aliases ?? [])]
      return ifThen(
        { properties: { type: { enum: names } }, required: ['type'] },
        convert(pluginBlock(names, own(p.config))),
      )
    }),
  }
}

function anyCustomDestination(): Json {
  const decl: DestinationDeclaration = {
    kind: 'destination',
    name: 'custom',
    summary: 'A custom destination file.',
    create: () => ({}) as never,
  }
  const schema = destinationSchema(decl, false)
  schema.properties.config = {
    ...convert(mergedObject(destinationCommonEntries, undefined)),
    additionalProperties: true,
  }
  return schema
}

const listOrNull = (item: Json) => ({ anyOf: [{ type: 'array', items: item }, { type: 'null' }] })

export function pipelineJsonSchema(registry: Registry, options: SchemaOptions = {}): Json {
  const definitions: Json = {}
  for (const s of registry.sources) definitions[`source.${s.name}`] = sourceSchema(s)
  for (const d of registry.destinations) definitions[`destination.${d.name}`] = destinationSchema(d)
  const { customSource, customDestination } = options

  // Without the custom file its own keys are unknown: accept any beside the common ones.
  const customSourceSchema = customSource
    ? sourceSchema(customSource, false)
    : { ...convert(mergedObject(sourceCommonEntries, undefined)), additionalProperties: true }
  const customDestinationSchema = customDestination
    ? destinationSchema(customDestination, false)
    : anyCustomDestination()

  const transform = convert(TransformSchema)
  delete transform.properties.python // the loader rejects Python transforms
  transform.required = ['label', 'js']
  const monitoring = convert(MonitoringSchema)
  monitoring.required = ['type', 'config']
  monitoring.properties.config.anyOf = [
    { required: ['datadog_agent_host'] },
    { required: ['datadog_host_env_var'] },
  ]
  const top = convert(TopLevelSchema)
  const described = (key: string, schema: Json) => ({
    ...schema,
    description: top.properties[key]?.description,
  })
  const needsStreamMode = {
    properties: { source: { properties: { sync_mode: { const: 'stream' } }, required: ['sync_mode'] } },
  }

  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'bizon pipeline',
    type: 'object',
    required: ['name', 'source', 'destination'],
    additionalProperties: false,
    properties: {
      name: top.properties.name,
      source: byName(
        'name',
        'source_file_path',
        'Source',
        registry.sources.map((s) => ({ names: [s.name], ref: `#/definitions/source.${s.name}` })),
        { name: customSource?.name, schema: customSourceSchema },
      ),
      destination: byName(
        'name',
        'destination_file_path',
        'Destination',
        registry.destinations.map((d) => ({ names: [d.name], ref: `#/definitions/destination.${d.name}` })),
        { name: customDestination?.name, schema: customDestinationSchema },
      ),
      transforms: described('transforms', listOrNull(transform)),
      engine: {
        type: 'object',
        additionalProperties: false,
        properties: {
          backend: byType(registry.backends),
          queue: byType(registry.queues),
          runner: convert(RunnerSchema),
        },
      },
      secrets: convert(SecretsSchema),
      monitoring,
      alerting: convert(AlertingSchema),
      streams: listOrNull(convert(StreamRouteSchema)),
    },
    allOf: [
      // Cross-field rules of the loader (reference §2.11).
      ifThen(
        { properties: { streams: { type: 'array', minItems: 1 } }, required: ['streams'] },
        needsStreamMode,
      ),
      ifThen(
        {
          properties: {
            engine: {
              properties: { runner: { properties: { type: { const: 'stream' } }, required: ['type'] } },
              required: ['runner'],
            },
          },
          required: ['engine'],
        },
        needsStreamMode,
      ),
    ],
    definitions,
  }
}

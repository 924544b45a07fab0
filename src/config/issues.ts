/** Turns valibot issues into `path: message` lines a person can act on, with did-you-mean hints. */
import * as v from 'valibot'
import type { ConfigIssue } from '../errors.ts'
import { didYouMean } from '../plugin/registry.ts'
import { type ConfigPath, formatPath } from './references.ts'

type AnyIssue = v.BaseIssue<unknown>
type AnySchema = v.GenericSchema & Record<string, any>

/** Peels optional/nullable/pipe wrappers to reach the schema that holds entries/items. */
function unwrap(schema: AnySchema | undefined): AnySchema | undefined {
  let current = schema
  while (current && 'wrapped' in current) current = current.wrapped
  return current
}

export function schemaAt(schema: AnySchema, path: ConfigPath): AnySchema | undefined {
  let current: AnySchema | undefined = unwrap(schema)
  for (const key of path) {
    if (!current) return undefined
    if (current.entries) current = unwrap(current.entries[key as string])
    else if (current.item) current = unwrap(current.item)
    else if (current.value) current = unwrap(current.value)
    else return undefined
  }
  return current
}

function describeInput(input: unknown): string {
  if (input === null) return 'null'
  if (input === undefined) return 'nothing'
  if (typeof input === 'string')
    return `the string ${JSON.stringify(input.length > 60 ? `${input.slice(0, 57)}...` : input)}`
  if (Array.isArray(input)) return 'a list'
  if (typeof input === 'object') return 'a mapping'
  return `${typeof input} ${String(input)}`
}

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  boolean: 'true or false',
  object: 'a mapping',
  strict_object: 'a mapping',
  loose_object: 'a mapping',
  record: 'a mapping',
  array: 'a list',
}

export interface IssueContext {
  /** Path of the validated value inside the whole config. */
  prefix: ConfigPath
  schema: AnySchema
  locate(path: ConfigPath, key?: boolean): string | undefined
}

export function toConfigIssues(issues: readonly AnyIssue[], ctx: IssueContext): ConfigIssue[] {
  const out: ConfigIssue[] = []
  const seen = new Set<string>()
  for (const issue of issues) {
    const keys = (issue.path ?? []).map((item) => (item as { key: string | number }).key)
    const converted = convert(issue, keys, ctx)
    const id = `${converted.path}|${converted.message}`
    if (!seen.has(id)) {
      seen.add(id)
      out.push(converted)
    }
  }
  return out
}

function convert(issue: AnyIssue, keys: ConfigPath, ctx: IssueContext): ConfigIssue {
  const full = [...ctx.prefix, ...keys]
  const path = formatPath(full)
  const parentKeys = keys.slice(0, -1)
  const last = keys[keys.length - 1]
  const isKeyIssue =
    issue.path?.[issue.path.length - 1] && (issue.path.at(-1) as { origin?: string }).origin === 'key'
  if (issue.type === 'strict_object' && isKeyIssue && issue.expected === 'never') {
    const parent = schemaAt(ctx.schema, parentKeys)
    const allowed = Object.keys(parent?.entries ?? {})
    const suggestion = didYouMean(String(last), allowed)
    return {
      path,
      location: ctx.locate(full, true),
      message: `Unknown key "${String(last)}".`,
      hint: suggestion
        ? `Did you mean "${suggestion}"?`
        : allowed.length
          ? `Allowed keys: ${allowed.join(', ')}.`
          : undefined,
    }
  }
  if (isKeyIssue && issue.received === 'undefined') {
    const described = schemaAt(ctx.schema, keys)
    const description = described?.pipe?.find((a: { type: string }) => a.type === 'description')?.description
    return {
      path,
      location: ctx.locate(full.slice(0, -1)),
      message: `Missing required key "${String(last)}".`,
      hint: description ? `Add it: ${description}` : 'Add it.',
    }
  }
  const location = ctx.locate(full)
  if (issue.type === 'picklist' || issue.type === 'literal') {
    const options = (schemaAt(ctx.schema, keys)?.options as string[] | undefined) ?? [
      (schemaAt(ctx.schema, keys) as { literal?: string })?.literal,
    ]
    const valid = options.filter((o) => o !== undefined).map(String)
    const suggestion = typeof issue.input === 'string' ? didYouMean(issue.input, valid) : undefined
    return {
      path,
      location,
      message: `Expected one of ${valid.map((o) => `"${o}"`).join(', ')}, got ${describeInput(issue.input)}.`,
      hint: suggestion ? `Did you mean "${suggestion}"?` : undefined,
    }
  }
  if (issue.kind === 'schema' && TYPE_NAMES[issue.type]) {
    const wanted = TYPE_NAMES[issue.type]!
    let hint: string | undefined
    if (
      typeof issue.input === 'string' &&
      issue.type === 'number' &&
      issue.input.trim() !== '' &&
      !Number.isNaN(Number(issue.input))
    )
      hint = 'Remove the quotes.'
    if (typeof issue.input === 'string' && issue.type === 'boolean' && /^(true|false)$/i.test(issue.input))
      hint = 'Remove the quotes.'
    return { path, location, message: `Expected ${wanted}, got ${describeInput(issue.input)}.`, hint }
  }
  if (issue.type === 'integer')
    return { path, location, message: `Expected a whole number, got ${String(issue.input)}.` }
  if (issue.type === 'min_value' || issue.type === 'min_length')
    return {
      path,
      location,
      message: `Must be ${issue.expected?.replace('>=', 'at least ')}, got ${String(issue.received)}.`,
    }
  if (issue.type === 'max_value' || issue.type === 'max_length')
    return {
      path,
      location,
      message: `Must be ${issue.expected?.replace('<=', 'at most ')}, got ${String(issue.received)}.`,
    }
  return { path, location, message: issue.message.replace(/^Invalid \w+: /, '') }
}

/** Deep copy of a schema where every `object` rejects unknown keys (DESIGN: unknown keys rejected). */
export function strictify<T extends v.GenericSchema>(schema: T): T {
  const s = schema as AnySchema
  switch (s.type) {
    case 'object':
    case 'strict_object': {
      const entries = Object.fromEntries(
        Object.entries(s.entries).map(([k, e]) => [k, strictify(e as AnySchema)]),
      )
      return withPipe(s, v.strictObject(entries)) as T
    }
    case 'optional':
      return withPipe(s, v.optional(strictify(s.wrapped), s.default)) as T
    case 'nullable':
      return withPipe(s, v.nullable(strictify(s.wrapped), s.default)) as T
    case 'nullish':
      return withPipe(s, v.nullish(strictify(s.wrapped), s.default)) as T
    case 'array':
      return withPipe(s, v.array(strictify(s.item))) as T
    default:
      return schema
  }
}

function withPipe(original: AnySchema, rebuilt: AnySchema): AnySchema {
  const actions = (original.pipe as AnySchema[] | undefined)?.slice(1)
  return actions?.length ? (v.pipe(rebuilt, ...(actions as [])) as unknown as AnySchema) : rebuilt
}

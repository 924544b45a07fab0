/** A minimal JSON Schema (draft-07) checker for the keywords `bizon config schema` emits; fails on any other. */

type Json = Record<string, any> | boolean

const IGNORED = new Set(['$schema', 'title', 'description', 'default', 'definitions', 'format', 'examples'])

/** Problems (`path: why`) of a value against a schema; [] when it is valid. */
export function checkJsonSchema(root: Json, value: unknown): string[] {
  return check(root, root, value, '')
}

function typeOf(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'array'
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number'
  return typeof value
}

function resolveRef(root: Json, ref: string): Json {
  if (!ref.startsWith('#/')) throw new Error(`Unsupported $ref ${ref}`)
  return ref
    .slice(2)
    .split('/')
    .reduce((node: any, key) => node?.[key.replace(/~1/g, '/').replace(/~0/g, '~')], root) as Json
}

function check(root: Json, schema: Json, value: unknown, path: string): string[] {
  if (schema === true) return []
  if (schema === false) return [`${path || '(root)'}: not allowed here`]
  const out: string[] = []
  const at = path || '(root)'
  const type = typeOf(value)
  for (const [keyword, arg] of Object.entries(schema)) {
    switch (keyword) {
      case 'type': {
        const types = Array.isArray(arg) ? arg : [arg]
        const ok = types.some((t: string) => t === type || (t === 'number' && type === 'integer'))
        if (!ok) out.push(`${at}: expected ${types.join(' or ')}, got ${type}`)
        break
      }
      case 'enum':
        if (!arg.some((option: unknown) => Bun.deepEquals(option, value)))
          out.push(`${at}: expected one of ${JSON.stringify(arg)}, got ${JSON.stringify(value)}`)
        break
      case 'const':
        if (!Bun.deepEquals(arg, value)) out.push(`${at}: expected ${JSON.stringify(arg)}`)
        break
      case 'properties':
        if (type === 'object')
          for (const [key, sub] of Object.entries(arg as Record<string, Json>))
            if ((value as Record<string, unknown>)[key] !== undefined)
              out.push(...check(root, sub, (value as Record<string, unknown>)[key], `${path}.${key}`))
        break
      case 'required':
        if (type === 'object')
          for (const key of arg as string[])
            if ((value as Record<string, unknown>)[key] === undefined) out.push(`${at}: missing "${key}"`)
        break
      case 'additionalProperties':
        if (type === 'object') {
          const known = Object.keys((schema as Record<string, any>).properties ?? {})
          for (const [key, child] of Object.entries(value as Record<string, unknown>))
            if (!known.includes(key)) {
              if (arg === false) out.push(`${path}.${key}: unknown key`)
              else out.push(...check(root, arg, child, `${path}.${key}`))
            }
        }
        break
      case 'propertyNames':
        if (type === 'object')
          for (const key of Object.keys(value as object)) out.push(...check(root, arg, key, `${path}.${key}`))
        break
      case 'items':
        if (type === 'array')
          (value as unknown[]).forEach((item, i) => {
            out.push(...check(root, arg, item, `${path}[${i}]`))
          })
        break
      case 'minItems':
        if (type === 'array' && (value as unknown[]).length < arg) out.push(`${at}: fewer than ${arg} items`)
        break
      case 'minimum':
        if (typeof value === 'number' && value < arg) out.push(`${at}: below ${arg}`)
        break
      case 'maximum':
        if (typeof value === 'number' && value > arg) out.push(`${at}: above ${arg}`)
        break
      case 'exclusiveMinimum':
        if (typeof value === 'number' && value <= arg) out.push(`${at}: not above ${arg}`)
        break
      case 'exclusiveMaximum':
        if (typeof value === 'number' && value >= arg) out.push(`${at}: not below ${arg}`)
        break
      case 'minLength':
        if (typeof value === 'string' && [...value].length < arg) out.push(`${at}: shorter than ${arg}`)
        break
      case 'maxLength':
        if (typeof value === 'string' && [...value].length > arg) out.push(`${at}: longer than ${arg}`)
        break
      case 'pattern':
        if (typeof value === 'string' && !new RegExp(arg, 'u').test(value))
          out.push(`${at}: does not match ${arg}`)
        break
      case 'allOf':
        for (const sub of arg as Json[]) out.push(...check(root, sub, value, path))
        break
      case 'anyOf':
        if (!(arg as Json[]).some((sub) => check(root, sub, value, path).length === 0))
          out.push(
            `${at}: matches none of anyOf (${(arg as Json[]).map((s) => check(root, s, value, path)[0]).join(' | ')})`,
          )
        break
      case 'oneOf': {
        const matching = (arg as Json[]).filter((sub) => check(root, sub, value, path).length === 0).length
        if (matching !== 1) out.push(`${at}: matches ${matching} of oneOf, expected 1`)
        break
      }
      case 'not':
        if (check(root, arg, value, path).length === 0)
          out.push(`${at}: must not match ${JSON.stringify(arg)}`)
        break
      case 'if': {
        const branch = check(root, arg, value, path).length === 0 ? 'then' : 'else'
        const next = (schema as Record<string, Json>)[branch]
        if (next !== undefined) out.push(...check(root, next, value, path))
        break
      }
      case 'then':
      case 'else':
        break
      case '$ref':
        out.push(...check(root, resolveRef(root, arg), value, path))
        break
      default:
        if (!IGNORED.has(keyword))
          throw new Error(`checkJsonSchema: unsupported keyword "${keyword}" at ${at}`)
    }
  }
  return out
}

/** Secret references: `env://VAR`, `file://PATH`, inline `${env://VAR}`, and legacy `BIZON_ENV_` values. */
import { readFileSync } from 'node:fs'
import { isAbsolute, resolve } from 'node:path'
import { messageOf } from '../errors.ts'

const KNOWN = new Set(['env', 'file', 'gsm'])
const WHOLE = /^([a-z0-9_]+):\/\/(.+)$/
const TOKEN = /\$\{([^}]*)\}?/g

export type ConfigPath = (string | number)[]

export interface Reference {
  path: ConfigPath
  /** `scheme://path` */
  reference: string
}

export interface ResolveResult {
  value: unknown
  /** Every resolved value: never printed (redaction list). */
  secrets: string[]
  problems: { path: ConfigPath; message: string; hint: string }[]
}

/** Keys whose subtree is code, not config: never resolved (decision 13). */
const SKIP_TOP = new Set(['transforms'])

export function isReference(text: string): boolean {
  const match = WHOLE.exec(text.trim())
  return !!match && KNOWN.has(match[1]!)
}

/** Resolves one `scheme://path` reference (throws with a plain reason). */
export function resolveReference(reference: string, baseDir: string): string {
  const match = WHOLE.exec(reference.trim())
  if (!match) throw new Error(`Malformed reference '${reference}'. Expected '<scheme>://<path>'.`)
  const [, scheme, rest] = match
  const target = rest!.trim()
  if (scheme === 'env') {
    const value = process.env[target]
    if (value === undefined) throw new Error(`environment variable '${target}' is not set`)
    return value
  }
  if (scheme === 'file') {
    const file = isAbsolute(target) ? target : resolve(baseDir, target)
    try {
      return readFileSync(file, 'utf8').replace(/\r?\n$/, '')
    } catch (error) {
      throw new Error(
        `cannot read file '${target}': ${(error as NodeJS.ErrnoException).code ?? messageOf(error)}`,
      )
    }
  }
  if (scheme === 'gsm')
    throw new Error('gsm:// (Google Secret Manager) is not available in bizon; use env:// or file://')
  throw new Error(`Unknown reference scheme '${scheme}'. Known schemes: env, file.`)
}

/** Legacy substitution: string values in mappings (not lists) starting with BIZON_ENV_. */
export function applyLegacyEnv(value: unknown): unknown {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return value
  const out: Record<string, unknown> = {}
  for (const [key, child] of Object.entries(value)) {
    if (typeof child === 'string' && child.startsWith('BIZON_ENV_')) out[key] = process.env[child] ?? null
    else out[key] = applyLegacyEnv(child)
  }
  return out
}

export function resolveReferences(raw: unknown, baseDir: string): ResolveResult {
  const cache = new Map<string, string>()
  const secrets = new Set<string>()
  const problems: ResolveResult['problems'] = []
  const lookup = (reference: string) => {
    let value = cache.get(reference)
    if (value === undefined) {
      value = resolveReference(reference, baseDir)
      cache.set(reference, value)
    }
    if (value.length >= 3) secrets.add(value)
    return value
  }
  const visit = (value: unknown, path: ConfigPath): unknown => {
    if (typeof value === 'string') return resolveString(value, path)
    if (Array.isArray(value)) return value.map((item, i) => visit(item, [...path, i]))
    if (value && typeof value === 'object') {
      const out: Record<string, unknown> = {}
      for (const [key, child] of Object.entries(value)) {
        out[key] = path.length === 0 && SKIP_TOP.has(key) ? child : visit(child, [...path, key])
      }
      return out
    }
    return value
  }
  const resolveString = (text: string, path: ConfigPath): unknown => {
    try {
      if (isReference(text)) return lookup(text.trim())
      if (!text.includes('${')) return text
      return text.replace(TOKEN, (token, inner: string) => {
        if (!token.endsWith('}') || !WHOLE.test(inner.trim()))
          throw new Error(`Malformed reference token '${token}'. Expected '\${<scheme>://<path>}'.`)
        return lookup(inner.trim())
      })
    } catch (error) {
      problems.push({
        path,
        message: `Failed to resolve reference: ${messageOf(error)}`,
        hint: 'Set the variable (or create the file) or fix the reference.',
      })
      return text
    }
  }
  return { value: visit(raw, []), secrets: [...secrets], problems }
}

/** Lists references without resolving them (for `secrets check`). */
export function collectReferences(raw: unknown): Reference[] {
  const found: Reference[] = []
  const visit = (value: unknown, path: ConfigPath) => {
    if (typeof value === 'string') {
      if (isReference(value)) found.push({ path, reference: value.trim() })
      else
        for (const match of value.matchAll(/\$\{\s*([a-z0-9_]+:\/\/[^}]+?)\s*\}/g))
          found.push({ path, reference: match[1]! })
    } else if (Array.isArray(value)) {
      for (const [i, item] of value.entries()) visit(item, [...path, i])
    } else if (value && typeof value === 'object')
      for (const [key, child] of Object.entries(value)) {
        if (!(path.length === 0 && SKIP_TOP.has(key))) visit(child, [...path, key])
      }
  }
  visit(raw, [])
  return found
}

export function formatPath(path: ConfigPath): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('')
}

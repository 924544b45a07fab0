/** A copy of a config that is safe to show: references stay as written, literal secrets are masked. */

const SECRET_KEY =
  /pass(word)?|secret|token|api[_-]?key|credential|private|auth_header_value|webhook|cookie|session/i

export function redactConfig(value: unknown, key = ''): unknown {
  if (typeof value === 'string') {
    if (/^(env|file|gsm):\/\//.test(value.trim()) || value.includes('${')) return value
    if (SECRET_KEY.test(key)) return '***'
    return maskUrlPassword(value)
  }
  if (Array.isArray(value)) return value.map((item) => redactConfig(item, key))
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value).map(([k, child]) => [k, key === 'transforms' ? child : redactConfig(child, k)]),
    )
  return value
}

/** `scheme://user:pass@host` → `scheme://user:***@host`. */
export function maskUrlPassword(text: string): string {
  return text.replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^:/@\s]+:)([^@\s]+)@/gi, '$1***@')
}

/** Literal values under secret-looking keys (not references): scrubbed from output like resolved ones. */
export function literalSecrets(raw: unknown, key = '', out: string[] = []): string[] {
  if (typeof raw === 'string') {
    if (SECRET_KEY.test(key) && raw.length >= 3 && !/^(env|file|gsm):\/\//.test(raw.trim())) out.push(raw)
    // the password of a connection URL written inline
    const password = /\b[a-z][a-z0-9+.-]*:\/\/[^:/@\s]+:([^@\s]+)@/i.exec(raw)?.[1]
    if (password && password.length >= 3) out.push(password)
  } else if (Array.isArray(raw)) for (const item of raw) literalSecrets(item, key, out)
  else if (raw && typeof raw === 'object')
    for (const [k, child] of Object.entries(raw)) if (k !== 'transforms') literalSecrets(child, k, out)
  return out
}

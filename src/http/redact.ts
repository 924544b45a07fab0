/** Keeps secrets out of HTTP error messages and logs: URLs without credentials, bodies without tokens. */

/** Query parameter names whose values are treated as secrets (matched case-insensitively, in part). */
const SECRET_PARAM =
  /token|secret|password|passwd|api[-_]?key|apikey|auth|signature|sig$|^key$|^code$|session/i

const MASK = '***'

/** The URL as it may be shown: no user:password, secret-looking query values masked, known secrets masked. */
export function redactUrl(url: string | URL, secrets: Iterable<string> = []): string {
  let parsed: URL
  try {
    parsed = new URL(url.toString())
  } catch {
    return redactText(String(url), secrets)
  }
  parsed.username = ''
  parsed.password = ''
  for (const name of [...new Set(parsed.searchParams.keys())]) {
    if (SECRET_PARAM.test(name)) parsed.searchParams.set(name, MASK)
  }
  // URLSearchParams encodes '*' as '%2A'; show the mask as typed.
  return redactText(parsed.toString().replaceAll('%2A%2A%2A', MASK), secrets)
}

/** Replaces every occurrence of a known secret (and its URL-encoded form) with `***`. */
export function redactText(text: string, secrets: Iterable<string>): string {
  let out = text
  for (const secret of secrets) {
    if (!secret || secret.length < 4) continue // too short to mask without mangling ordinary text
    out = out.replaceAll(secret, MASK)
    const encoded = encodeURIComponent(secret)
    if (encoded !== secret) out = out.replaceAll(encoded, MASK)
  }
  return out
}

/** A short single-line excerpt of a response body for error messages. */
export function excerpt(body: string, secrets: Iterable<string> = [], max = 200): string {
  const flat = redactText(body, secrets).replace(/\s+/g, ' ').trim()
  return flat.length > max ? `${flat.slice(0, max)}…` : flat
}

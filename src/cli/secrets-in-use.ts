/** Secret values known to this process, so that error output can mask them. */
const known = new Set<string>()

export function rememberSecrets(secrets: readonly string[]): void {
  for (const secret of secrets) known.add(secret)
}

export function secretsInUse(): string[] {
  return [...known]
}

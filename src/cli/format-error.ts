/** Turns any error into terminal text: where, what, how to fix; a stack only with --debug. */
import { BizonError, messageOf } from '../errors.ts'
import { redact } from '../observe/log.ts'

export function formatError(
  error: unknown,
  options: { debug?: boolean; secrets?: readonly string[] } = {},
): string {
  const secrets = options.secrets ?? []
  const lines: string[] = []
  if (error instanceof BizonError && error.issues?.length) {
    lines.push(`✖ ${error.message}`)
    for (const issue of error.issues) {
      const where = [
        error.file && issue.location ? `${error.file}:${issue.location}` : error.file,
        issue.path,
      ]
        .filter(Boolean)
        .join(' ')
      lines.push(`  ${where}: ${issue.message}${issue.hint ? ` ${issue.hint}` : ''}`)
    }
  } else {
    const where = error instanceof BizonError && error.path ? `${error.path}: ` : ''
    lines.push(`✖ ${where}${messageOf(error)}`)
    if (error instanceof BizonError && error.hint) lines.push(`  ${error.hint}`)
  }
  if (options.debug && error instanceof Error && error.stack) {
    lines.push('', error.stack)
    let cause = error.cause
    while (cause instanceof Error) {
      lines.push(`Caused by: ${cause.stack ?? cause.message}`)
      cause = cause.cause
    }
  }
  return redact(lines.join('\n'), secrets)
}

export function exitCodeOf(error: unknown): number {
  return error instanceof BizonError ? error.exitCode : 1
}

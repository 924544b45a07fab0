/** The one error type: a code, a plain message, and where/how to fix it. */

export type ErrorCode =
  | 'config' // bad configuration or usage: exit 2, nothing ran
  | 'usage'
  | 'connection' // could not reach a source, destination or backend
  | 'source'
  | 'destination'
  | 'transform'
  | 'queue'
  | 'backend'
  | 'lease' // another run holds the sync
  | 'internal'

export interface ConfigIssue {
  /** Dotted config path, e.g. `source.page_size`. */
  path: string
  message: string
  /** `file:line:col` when known. */
  location?: string
  hint?: string
}

export class BizonError extends Error {
  readonly code: ErrorCode
  readonly path?: string
  readonly hint?: string
  /** Config problems collected together (code `config`). */
  readonly issues?: ConfigIssue[]
  /** File the problems are in (config errors). */
  readonly file?: string

  constructor(
    code: ErrorCode,
    message: string,
    options: { path?: string; hint?: string; cause?: unknown; issues?: ConfigIssue[]; file?: string } = {},
  ) {
    super(message, { cause: options.cause })
    this.name = 'BizonError'
    this.code = code
    this.path = options.path
    this.hint = options.hint
    this.issues = options.issues
    this.file = options.file
  }

  /** Exit code for the CLI: 2 for config and usage problems, 1 for run-time failures. */
  get exitCode(): number {
    return this.code === 'config' || this.code === 'usage' ? 2 : 1
  }
}

export function configError(file: string | undefined, issues: ConfigIssue[]): BizonError {
  const count = issues.length
  return new BizonError('config', `${file ?? 'config'} has ${count} problem${count === 1 ? '' : 's'}`, {
    issues,
    file,
  })
}

/** The message of any thrown value, without a stack. */
export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message
  return String(error)
}

/** Logger factory on consola: bizon's levels, tags, fields, JSON lines for shippers, secret masking. */
import { createConsola, type LogObject } from 'consola/core'
import type { Logger } from '../plugin/types.ts'

export const LOG_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARNING', 'ERROR', 'CRITICAL'] as const
export type LogLevelName = (typeof LOG_LEVELS)[number]
export type LogFormat = 'text' | 'json'

/** One log line as sinks (alerting) see it: already redacted. */
export interface LogRecord {
  time: Date
  level: LogLevelName
  message: string
  tag: string
  fields: Record<string, unknown>
}
export type LogSink = (record: LogRecord) => void

/** A redrawn terminal line (progress) that log lines must not overwrite. */
export interface LiveLine {
  clear(): void
  redraw(): void
}

export interface BizonLogger extends Logger {
  readonly level: LogLevelName
  trace(message: string, ...args: unknown[]): void
  success(message: string, ...args: unknown[]): void
  critical(message: string, ...args: unknown[]): void
  withTag(tag: string): BizonLogger
  /** A child whose lines carry these fields too (JSON: pipeline, job, stream...). */
  withFields(fields: Record<string, unknown>): BizonLogger
  /** Receives every record at `minLevel` and above, whatever the console level. */
  addSink(sink: LogSink, minLevel?: LogLevelName): () => void
  /** Values masked in every line from now on (resolved secrets). */
  addSecrets(secrets: string[]): void
  attachLiveLine(line: LiveLine | null): void
}

export interface LoggerOptions {
  level?: LogLevelName
  format?: LogFormat
  fields?: Record<string, unknown>
  stream?: { write(chunk: string): unknown; isTTY?: boolean }
  color?: boolean
  secrets?: string[]
}

const rank = (level: LogLevelName) => LOG_LEVELS.indexOf(level)
// consola numeric levels: 0 fatal/error, 1 warn, 3 info, 4 debug, 5 trace
const CONSOLA_LEVEL: Record<LogLevelName, number> = {
  TRACE: 5,
  DEBUG: 4,
  INFO: 3,
  WARNING: 1,
  ERROR: 0,
  CRITICAL: 0,
}
const TYPE_LEVEL: Record<string, LogLevelName> = {
  trace: 'TRACE',
  debug: 'DEBUG',
  verbose: 'TRACE',
  warn: 'WARNING',
  error: 'ERROR',
  fail: 'ERROR',
  fatal: 'CRITICAL',
}
const COLORS: Record<LogLevelName, string> = {
  TRACE: '\x1b[90m',
  DEBUG: '\x1b[90m',
  INFO: '\x1b[36m',
  WARNING: '\x1b[33m',
  ERROR: '\x1b[31m',
  CRITICAL: '\x1b[1;31m',
}

/** Masks every secret (3+ characters, and its URL-encoded form) in `text` with `***`. */
export function redact(text: string, secrets: readonly string[]): string {
  if (secrets.length === 0 || !text) return text
  const forms = new Set<string>()
  for (const secret of secrets) {
    if (typeof secret !== 'string' || secret.length < 3) continue
    forms.add(secret)
    forms.add(encodeURIComponent(secret))
  }
  let out = text
  for (const form of [...forms].sort((a, b) => b.length - a.length)) out = out.split(form).join('***')
  return out
}

/** Parses a level name, accepting upstream spellings (`warn`, `fatal`). */
export function parseLogLevel(text: string): LogLevelName | null {
  const upper = text.trim().toUpperCase()
  const alias: Record<string, LogLevelName> = { WARN: 'WARNING', FATAL: 'CRITICAL', SUCCESS: 'INFO' }
  const level = (alias[upper] ?? upper) as LogLevelName
  return LOG_LEVELS.includes(level) ? level : null
}

function formatArg(arg: unknown): string {
  if (typeof arg === 'string') return arg
  if (arg instanceof Error) return arg.message
  try {
    return JSON.stringify(arg) ?? String(arg)
  } catch {
    return String(arg)
  }
}

interface Shared {
  level: LogLevelName
  format: LogFormat
  stream: { write(chunk: string): unknown; isTTY?: boolean }
  color: boolean
  secrets: string[]
  sinks: { sink: LogSink; min: number }[]
  liveLine: LiveLine | null
  consola: ReturnType<typeof createConsola>
}

function write(shared: Shared, obj: LogObject): void {
  const level = TYPE_LEVEL[obj.type] ?? 'INFO'
  const text = obj.args.map(formatArg).join(' ')
  const message = redact(text, shared.secrets)
  const fields = ((obj as { fields?: Record<string, unknown> }).fields ?? {}) as Record<string, unknown>
  const record: LogRecord = { time: obj.date, level, message, tag: obj.tag, fields }
  for (const { sink, min } of shared.sinks) {
    if (rank(level) < min) continue
    try {
      sink(record)
    } catch {
      // a failing sink (alerting) never breaks logging
    }
  }
  if (rank(level) < rank(shared.level)) return
  let line: string
  if (shared.format === 'json') {
    // core keys lead the line and are spread again last: a field named like one cannot replace it
    const core = { time: record.time.toISOString(), level, message, tag: record.tag || undefined }
    line = JSON.stringify({ ...core, ...record.fields, ...core })
  } else {
    const time = record.time.toISOString().slice(11, 19)
    const tag = record.tag ? ` [${record.tag}]` : ''
    const name = level.padEnd(7)
    line = shared.color
      ? `\x1b[90m${time}\x1b[0m ${COLORS[level]}${name}\x1b[0m${tag ? `\x1b[90m${tag}\x1b[0m` : ''} ${message}`
      : `${time} ${name}${tag} ${message}`
  }
  shared.liveLine?.clear()
  shared.stream.write(`${line}\n`)
  shared.liveLine?.redraw()
}

function refreshLevel(shared: Shared): void {
  const min = Math.min(rank(shared.level), ...shared.sinks.map((s) => s.min))
  shared.consola.level = CONSOLA_LEVEL[LOG_LEVELS[min]!]
}

function makeLogger(shared: Shared, tag: string, fields: Record<string, unknown>): BizonLogger {
  const emit =
    (type: string) =>
    (message: string, ...args: unknown[]) => {
      // consola merges a {message, args} object into the log object: tag and fields travel with it
      ;(shared.consola as any)[type]({ message: String(message), tag, fields, args })
    }
  return {
    get level() {
      return shared.level
    },
    trace: emit('trace'),
    debug: emit('debug'),
    info: emit('info'),
    success: emit('success'),
    warn: emit('warn'),
    error: emit('error'),
    critical: emit('fatal'),
    withTag: (child) => makeLogger(shared, tag ? `${tag}:${child}` : child, fields),
    withFields: (more) => makeLogger(shared, tag, { ...fields, ...more }),
    addSink(sink, minLevel = 'TRACE') {
      const entry = { sink, min: rank(minLevel) }
      shared.sinks.push(entry)
      refreshLevel(shared)
      return () => {
        shared.sinks = shared.sinks.filter((e) => e !== entry)
        refreshLevel(shared)
      }
    },
    addSecrets(secrets) {
      shared.secrets.push(...secrets.filter((s) => typeof s === 'string' && s.length >= 3))
    },
    attachLiveLine(line) {
      shared.liveLine = line
    },
  }
}

/** A logger writing to stderr (or `stream`): text for people, one JSON object per line for machines. */
export function createLogger(options: LoggerOptions = {}): BizonLogger {
  const stream = options.stream ?? process.stderr
  const color = options.color ?? (Boolean(stream.isTTY) && !process.env.NO_COLOR && options.format !== 'json')
  const shared: Shared = {
    level: options.level ?? 'INFO',
    format: options.format ?? 'text',
    stream,
    color,
    secrets: [],
    sinks: [],
    liveLine: null,
    consola: undefined as never,
  }
  shared.consola = createConsola({
    level: CONSOLA_LEVEL[shared.level],
    throttle: 0,
    reporters: [{ log: (obj) => write(shared, obj) }],
  })
  const logger = makeLogger(shared, '', options.fields ?? {})
  logger.addSecrets(options.secrets ?? [])
  return logger
}

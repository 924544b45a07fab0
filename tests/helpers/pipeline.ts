/** Writes pipeline files and reads what a run left behind (output lines, state rows). */
import { Database } from 'bun:sqlite'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

export function writePipeline(dir: string, name: string, yaml: string): string {
  const file = join(dir, name)
  writeFileSync(file, yaml)
  return file
}

/** Parsed NDJSON lines of a file destination output ([] when the file is absent). */
export function readLines(file: string): Record<string, any>[] {
  if (!existsSync(file)) return []
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line))
}

export function sourceIds(file: string): string[] {
  return readLines(file).map((line) => String(line.source_record_id))
}

/** Rows of a state table in the sqlite backend file of a folder. */
export function stateRows(dir: string, sql: string, database = 'bizon'): Record<string, any>[] {
  const file = join(dir, `${database}.sqlite3`)
  if (!existsSync(file)) return []
  const db = new Database(file, { readonly: true })
  db.exec('PRAGMA busy_timeout = 5000')
  try {
    return db.query(sql).all() as Record<string, any>[]
  } catch (error) {
    // the run may not have created its tables yet
    if (/no such table|database is locked/.test(String(error))) return []
    throw error
  } finally {
    db.close()
  }
}

/** A synthetic → file pipeline in `dir`. */
export function syntheticPipeline(options: {
  name?: string
  records: number
  pageSize?: number
  sleepMs?: number
  syncMode?: 'full_refresh' | 'incremental'
  bufferSize?: number
  failAtPage?: number
  extra?: string
}): string {
  return `name: ${options.name ?? 'synth'}
source:
  name: synthetic
  stream: records
  sync_mode: ${options.syncMode ?? 'full_refresh'}
  records: ${options.records}
  page_size: ${options.pageSize ?? 100}
  sleep_ms: ${options.sleepMs ?? 0}
${options.failAtPage !== undefined ? `  fail_at_page: ${options.failAtPage}\n` : ''}destination:
  name: file
  config:
    destination_id: out
    buffer_size: ${options.bufferSize ?? 0}
${options.extra ?? ''}`
}

/**
 * The kill-and-resume scenario of the SQL connectors through the CLI (`<name>` → `<name>`): `kill -9`
 * in the middle of a full refresh, the next run publishes every row once, then an incremental upsert.
 */
import { expect } from 'bun:test'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { REPO, runCli, spawnCli } from '../../../helpers/cli.ts'

export interface KillResume {
  connector: 'postgres' | 'sqlite'
  dir: string
  env?: Record<string, string>
  /** Rows in the source table `users` (id, email, updated_at). */
  rows: number
  /** Extra keys of the source and of `destination.config` (YAML lines, without indent). */
  sourceKeys: string[]
  destinationKeys: string[]
  /** Reads one `n` from the destination database; 0 while the table is not there yet. */
  count(sql: string): number | Promise<number>
  /** The destination table `users` (or its staging table, with `suffix`) as SQL. */
  table(suffix?: string): string
  /** SQL condition on the destination row: its source_data email is 'changed'. */
  emailChanged: string
  /** Changes the emails of ids 5 and 6 and inserts row `rows + 1`, with newer cursors. */
  change(): void | Promise<void>
}

function pipeline(s: KillResume, syncMode: string): string {
  const indent = (lines: string[], pad: string) => lines.map((line) => `${pad}${line}\n`).join('')
  return `name: kill_${s.connector}
source:
  name: ${s.connector}
  stream: users
  sync_mode: ${syncMode}
  cursor_field: updated_at
${indent(s.sourceKeys, '  ')}  page_size: 200
destination:
  name: ${s.connector}
  config:
${indent(s.destinationKeys, '    ')}    destination_id: users
    write_mode: upsert
    buffer_size: 0
engine:
  backend:
    type: sqlite
    config:
      database: state
`
}

export async function killResume(s: KillResume): Promise<void> {
  const plugins = [
    `--custom-source=${join(REPO, `connectors/sources/${s.connector}/index.ts`)}`,
    `--custom-destination=${join(REPO, `connectors/destinations/${s.connector}/index.ts`)}`,
  ]
  const { dir, env } = s
  writeFileSync(join(dir, 'full.yml'), pipeline(s, 'full_refresh'))
  writeFileSync(join(dir, 'incremental.yml'), pipeline(s, 'incremental'))
  const first = spawnCli(['run', 'full.yml', ...plugins], { cwd: dir, env })
  const deadline = Date.now() + 30_000
  while ((await s.count(`SELECT count(*) AS n FROM ${s.table('__bizon_staging')}`)) < 2_000) {
    if (Date.now() > deadline) throw new Error(`no progress: ${first.stderr()}`)
    await Bun.sleep(20)
  }
  first.kill('SIGKILL')
  expect((await first.exited).code).toBe(137)
  expect(await s.count(`SELECT count(*) AS n FROM ${s.table()}`)).toBe(0) // nothing published yet

  const second = await runCli(['run', 'full.yml', ...plugins], { cwd: dir, env, timeoutMs: 60_000 })
  expect(second.code).toBe(0)
  expect(await s.count(`SELECT count(*) AS n FROM ${s.table()}`)).toBe(s.rows)
  expect(await s.count(`SELECT count(DISTINCT source_record_id) AS n FROM ${s.table()}`)).toBe(s.rows)

  await s.change()
  const third = await runCli(['run', 'incremental.yml', ...plugins], { cwd: dir, env, timeoutMs: 60_000 })
  expect(third.code).toBe(0)
  expect(await s.count(`SELECT count(*) AS n FROM ${s.table()}`)).toBe(s.rows + 1)
  expect(await s.count(`SELECT count(*) AS n FROM ${s.table()} WHERE ${s.emailChanged}`)).toBe(2)
}

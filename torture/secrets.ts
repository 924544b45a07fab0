/** Secret scans: status API responses, state tables, files beside the output, alerts a webhook received. */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { pgState, type StateStore } from './check.ts'
import { cli, type Row, SECRETS, scanForSecrets, spawn } from './lib.ts'

/** A local Slack webhook (its path holds a secret token) that keeps every alert posted to it. */
export function startAlertSink() {
  const bodies: string[] = []
  const server = Bun.serve({
    port: 0,
    hostname: '127.0.0.1',
    async fetch(req) {
      const body = await req.text()
      bodies.push(body)
      scanForSecrets('Slack alert', body, 'Slack alert')
      return new Response('ok')
    },
  })
  return {
    url: `http://127.0.0.1:${server.port}/hooks/${SECRETS.TORTURE_WEBHOOK_TOKEN}`,
    bodies,
    stop: () => server.stop(true),
  }
}

/** Fetches the status page, its JSON API (pipelines and each job) and /metrics; scans every answer. */
export async function scanStatusApi(base: string, where: string): Promise<number> {
  const get = async (path: string) => {
    const res = await fetch(base + path, { signal: AbortSignal.timeout(5000) })
    const text = await res.text()
    scanForSecrets(`${where} ${path}`, text, 'status API response')
    return text
  }
  let pages = 0
  const pipelines = JSON.parse(await get('/api/pipelines'))
  pages++
  const ids = new Set<string>()
  JSON.stringify(pipelines, (key, value) => {
    if (typeof value === 'string' && /^[0-9a-f]{32}$/.test(value) && /job|id/i.test(key)) ids.add(value)
    return value
  })
  for (const id of [...ids].slice(0, 10)) {
    await get(`/api/jobs/${id}`)
    pages++
  }
  for (const path of ['/', '/metrics']) {
    await get(path).catch(() => '')
    pages++
  }
  return pages
}

/** Every text column of the state tables. */
export async function scanStore(store: StateStore, where: string): Promise<void> {
  for (const table of [
    'stream_jobs',
    'source_cursors',
    'destination_cursors',
    'stream_resets',
    'bizon_leases',
  ]) {
    const rows = await store.query(`select * from ${table}`).catch(() => [])
    scanForSecrets(`${where} ${table}`, JSON.stringify(rows), 'state table')
  }
}

/** Every file under `dir` but the intended outputs (state files included: binary, scanned as bytes). */
export async function scanFiles(dir: string, outputs: string[], where: string): Promise<void> {
  const walk = (d: string): string[] =>
    readdirSync(d).flatMap((name) => {
      const path = join(d, name)
      return statSync(path).isDirectory() ? walk(path) : [path]
    })
  for (const file of walk(dir)) {
    const rel = relative(dir, file)
    if (outputs.includes(rel) || rel === 'p.yml') continue
    scanForSecrets(`${where} ${rel}`, readFileSync(file).toString('latin1'), 'file')
  }
}

/**
 * The commands that read a config holding secrets (a postgres URL with a password, a bearer token),
 * reachable and not: their outputs are scanned by `cli`. Also `bizon serve --backend <url>`.
 */
export async function secretCommands(dir: string, pgUrl: string | undefined): Promise<Row> {
  const good = pgUrl ?? 'postgres://postgres:x@127.0.0.1:1/postgres'
  const bad = new URL(good)
  bad.port = '1'
  const schema = `sec_${Date.now()}`
  const yaml = `name: sec\nsource:\n  name: dummy\n  stream: creatures\n  authentication:\n    type: api_key\n    params:\n      token: env://TORTURE_BEARER\ndestination:\n  name: file\n  config:\n    destination_id: out\nengine:\n  backend:\n    type: postgres\n    config:\n      url: env://TORTURE_SECRET_URL\n      schema: ${schema}\n`
  writeFileSync(join(dir, 'p.yml'), yaml)
  const problems: string[] = []
  let commands = 0
  for (const url of pgUrl ? [good, bad.toString()] : [bad.toString()]) {
    const env = { TORTURE_SECRET_URL: url }
    for (const args of [
      ['validate', 'p.yml'],
      ['validate', 'p.yml', '--json'],
      ['secrets', 'check', 'p.yml'],
      ['run', 'p.yml'],
      ['run', 'p.yml', '--debug'],
    ]) {
      const r = await cli(args, { cwd: dir, env, timeoutMs: 60_000 })
      commands++
      const reachable = url === good
      if (args[0] === 'validate' && !reachable && r.code === 0)
        problems.push(`validate passes with the backend unreachable (${args.join(' ')})`)
      if (args[0] === 'run' && r.code !== (reachable ? 0 : 1))
        problems.push(`${args.join(' ')} exit ${r.code}`)
    }
  }
  if (pgUrl) {
    const port = 30_000 + Math.floor(Math.random() * 20_000)
    const serve = spawn(['serve', '--backend', good, '--port', String(port)], { cwd: dir })
    try {
      await serve.waitFor(/Status page/, 15_000)
      commands += await scanStatusApi(`http://127.0.0.1:${port}`, 'status API (serve --backend url)')
    } catch (error) {
      problems.push(`serve --backend: ${String(error).split('\n')[0]}`)
    } finally {
      serve.kill('SIGTERM')
      await serve.exited
    }
  }
  if (pgUrl) {
    const store = pgState('public')
    await store.query(`drop schema if exists "${schema}" cascade`).catch(() => {})
    await store.close()
  }
  return {
    case: 'validate, secrets check, run (--debug), serve with a password URL and a token',
    trials: commands,
    note: problems.join('; '),
    ok: problems.length === 0,
  }
}

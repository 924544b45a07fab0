/** HTTP source faults: an API answering 5xx mid-run (briefly, then for longer than the retries), with secrets around. */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { startFakeApi } from '../tests/helpers/fake-api.ts'
import { natsUrl } from '../tests/helpers/services.ts'
import { checkState, compareIds, destinationIds, sqliteState } from './check.ts'
import { cli, excerpt, firstError, type Rng, type Row, SECRETS, spawn, tempDir } from './lib.ts'
import { scanFiles, scanStatusApi, scanStore, startAlertSink } from './secrets.ts'

const ITEMS = 120

function pipeline(url: string, name: string, queue: string): string {
  return `name: ${name}
source:
  name: http
  stream: items
  sync_mode: incremental
  url: ${url}/offset
  records_path: data
  pagination:
    type: offset
    limit: 6
  rate_limit: 25
  retry:
    max_attempts: 4
    backoff_base_ms: 50
    backoff_max_ms: 200
  authentication:
    type: bearer
    params:
      token: env://TORTURE_BEARER
destination:
  name: file
  config:
    destination_id: out
    buffer_size: 0
alerting:
  type: slack
  config:
    webhook_url: env://TORTURE_WEBHOOK
${queue}`
}

/** The nats queue block for a pipeline, or '' for the default memory queue. */
function natsQueue(name: string): string {
  return `engine:\n  queue:\n    type: nats\n    config:\n      servers: ${natsUrl()}\n      stream: ${name}_${Math.random().toString(36).slice(2, 8)}\n      max_bytes: 16MB\n`
}

/** A 5xx burst: `failures` answers of 503 after `after` requests. Retries absorb short bursts. */
async function burst(rng: Rng, failures: number, label: string, nats = false): Promise<Row> {
  const api = startFakeApi({ items: ITEMS, auth: { type: 'bearer', token: SECRETS.TORTURE_BEARER } })
  const sink = startAlertSink()
  const dir = tempDir()
  const port = 20_000 + rng.int(0, 20_000)
  const name = `http_${failures}${nats ? '_nats' : ''}`
  writeFileSync(join(dir, 'p.yml'), pipeline(api.url, name, nats ? natsQueue(name) : ''))
  const env = { TORTURE_WEBHOOK: sink.url }
  const problems: string[] = []
  const notes: string[] = []
  let runs = 1
  try {
    const run = spawn(['run', 'p.yml', '--serve', '--port', String(port)], { cwd: dir, env })
    let ended = false
    run.exited.then(() => (ended = true))
    const after = rng.int(3, 12)
    while (!ended && api.count('/offset') < after) await Bun.sleep(5)
    api.script('/offset', ...Array.from({ length: failures }, () => ({ status: 503, body: 'upstream down' })))
    // the live status API of the running pipeline must not show a secret either
    if (!ended) await scanStatusApi(`http://127.0.0.1:${port}`, 'status API (run --serve)').catch(() => {})
    const first = await run.exited
    if (first.code === 0) notes.push('recovered by itself (retries)')
    else {
      const out = first.stdout + first.stderr
      notes.push(`first run exit ${first.code}: "${firstError(out)}"`)
      if (first.code !== 1) problems.push(`exit ${first.code}, want 0 or 1`)
      if (!/503|http|source/i.test(out))
        problems.push(`failure message does not name the cause: ${excerpt(out, 2)}`)
      if (/^\s+at .*(\(|:\d+)/m.test(out)) problems.push('stack trace without --debug')
      let done = false
      for (let i = 0; i < 3 && !done; i++) {
        const r = await cli(['run', 'p.yml'], { cwd: dir, env, timeoutMs: 60_000 })
        runs++
        if (r.code === 0) done = true
        else problems.push(`rerun exit ${r.code}: ${excerpt(r.stderr, 2)}`)
      }
      if (done) notes.push(`resumed in ${runs - 1} rerun(s)`)
      if (sink.bodies.length === 0) problems.push('no Slack alert was sent for the failed run')
      else notes.push(`${sink.bodies.length} alert(s)`)
    }
    const ids = await destinationIds({ kind: 'file', file: join(dir, 'out.json') })
    const expected = Array.from({ length: ITEMS }, (_, i) => String(i + 1))
    const outcome = compareIds(expected, ids, new Map(ids.map((id) => [id, 99])))
    problems.push(...outcome.problems)
    const store = sqliteState(join(dir, 'bizon.sqlite3'))
    problems.push(...(await checkState(store, { name, stream: false, records: ITEMS })))
    await scanStore(store, `state tables (${label})`)
    await scanFiles(dir, ['out.json'], `files (${label})`)
    for (const body of sink.bodies)
      if (Object.values(SECRETS).some((s) => body.includes(s))) problems.push('alert leaks a secret')
    // `bizon serve --backend sqlite:...` reads the same state after the run
    await scanServe(dir, port + 1)
    return {
      case: label,
      trials: runs,
      lost: outcome.lost,
      duplicates: outcome.duplicates,
      note: [...problems, ...notes].join('; '),
      ok: problems.length === 0,
    }
  } finally {
    await api.stop()
    sink.stop()
  }
}

async function scanServe(dir: string, port: number): Promise<void> {
  const serve = spawn(
    ['serve', '--backend', `sqlite:${join(dir, 'bizon.sqlite3')}`, '--port', String(port)],
    { cwd: dir },
  )
  try {
    await serve.waitFor(/127\.0\.0\.1|listening|serving/i, 15_000).catch(() => {})
    await scanStatusApi(`http://127.0.0.1:${port}`, 'status API (bizon serve)')
  } finally {
    serve.kill('SIGTERM')
    await serve.exited
  }
}

export async function httpFaults(rng: Rng, nats: boolean): Promise<Row[]> {
  const rows = [
    await burst(rng, 2, 'source answers 503 twice mid-run (within retries)'),
    // max_attempts is 4: four 503 in a row fail the run, and the API is fine again for the rerun
    await burst(rng, 4, 'source answers 503 for longer than the retries, then recovers'),
  ]
  if (nats)
    rows.push(await burst(rng, 4, 'source answers 503 beyond the retries, then recovers (nats queue)', true))
  return rows
}

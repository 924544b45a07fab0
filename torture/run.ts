/**
 * The torture campaigns through the real CLI: `bun torture/run.ts [--quick] [--seed N] [--only NAME]`
 * (scripts/torture starts throwaway NATS/PostgreSQL first). Prints one table per campaign; exits 1
 * when any trial lost a record, broke an invariant, or leaked a secret.
 */
import { parseArgs } from 'node:util'
import { hasNats, hasPg } from '../tests/helpers/services.ts'
import { badInputCampaign } from './bad-input.ts'
import { concurrencyCampaign } from './concurrency.ts'
import { faultCampaign } from './faults.ts'
import { combos, killCampaign } from './kill.ts'
import { cleanTempDirs, cli, leaks, printTable, REPO, Rng, type Row, scanned, tempDir } from './lib.ts'
import type { DestKind } from './pipelines.ts'
import { securePgUrl } from './pipelines.ts'
import { secretCommands } from './secrets.ts'

const CAMPAIGNS = ['kill', 'faults', 'bad-input', 'concurrency', 'secrets'] as const

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    seed: { type: 'string', default: '1' },
    only: { type: 'string', multiple: true },
  },
})
const seed = Number(values.seed)
const only = (values.only ?? []).flatMap((o) => o.split(','))
for (const name of only)
  if (!CAMPAIGNS.includes(name as never)) {
    console.error(`Unknown campaign "${name}". Use one of: ${CAMPAIGNS.join(', ')}.`)
    process.exit(2)
  }
const wanted = (name: (typeof CAMPAIGNS)[number]) => only.length === 0 || only.includes(name)

/** What the registries hold right now (other connectors are being finished in parallel). */
export async function available(): Promise<{
  nats: boolean
  pg: boolean
  dests: DestKind[]
  skipped: string[]
}> {
  const list = await cli(['destination', 'list'], { cwd: REPO })
  const names = new Set([...list.stdout.matchAll(/^(\w+) - /gm)].map((m) => m[1]))
  const queues = await Bun.file(`${REPO}/src/queues/index.ts`).text()
  const skipped: string[] = []
  const pg = await hasPg()
  const nats = queues.includes('nats') && (await hasNats())
  if (!nats) skipped.push('nats queue: not registered or NATS not reachable')
  const dests: DestKind[] = ['file']
  if (names.has('sqlite')) dests.push('sqlite')
  else skipped.push('sqlite destination: not registered yet (`bizon destination list`)')
  if (names.has('postgres') && pg) dests.push('pg_append', 'pg_upsert')
  else skipped.push(`postgres destination: ${pg ? 'not registered yet' : 'PostgreSQL not reachable'}`)
  return { nats, pg, dests, skipped }
}

const started = Date.now()
const avail = await available()
console.log(`# bizon torture: seed ${seed}${values.quick ? ', quick' : ''}`)
for (const s of avail.skipped) console.log(`skipped: ${s}`)
const failures: string[] = []
const report = (title: string, rows: Row[]) => {
  printTable(title, rows)
  for (const r of rows) if (!r.ok) failures.push(`${title}: ${r.case}: ${r.note}`)
}

try {
  if (wanted('kill')) {
    const list = combos(avail)
    const rows = await killCampaign(list, {
      rng: new Rng(seed),
      trials: values.quick ? 1 : 3,
      kills: values.quick ? 2 : 4,
      records: values.quick ? 300 : 800,
      pageSize: 20,
      sleepMs: values.quick ? 30 : 25,
    })
    report(`Kill campaign (${list.length} combinations)`, rows)
  }
  if (wanted('faults')) report('Fault campaign', await faultCampaign(new Rng(seed + 1), avail))
  if (wanted('bad-input'))
    report('Bad-input campaign', await badInputCampaign(new Rng(seed + 2), values.quick))
  if (wanted('concurrency')) report('Concurrency campaign', await concurrencyCampaign(avail, values.quick))
  if (wanted('secrets'))
    report('Secrets in commands', [await secretCommands(tempDir(), avail.pg ? securePgUrl() : undefined)])
} finally {
  cleanTempDirs()
}

console.log('\n### Secrets\n')
console.log(
  `scanned: ${Object.entries(scanned)
    .map(([kind, n]) => `${n} ${kind}s`)
    .join(', ')}`,
)
if (leaks.length) for (const leak of new Set(leaks)) console.log(`LEAK ${leak}`)
else console.log('no known secret value seen in any output, state table, status API response or alert')
console.log(
  `\ndone in ${((Date.now() - started) / 1000).toFixed(0)} s: ${failures.length + leaks.length} problems`,
)
for (const f of failures) console.log(`FAIL ${f}`)
process.exit(failures.length + leaks.length ? 1 : 0)

/** Bad-input campaign: every broken config or data file gets a clear error, the right exit code, no trace, no output. */
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import type { BadCase } from './corpus/case.ts'
import { configCases } from './corpus/config-cases.ts'
import { inputCases } from './corpus/input-cases.ts'
import { cli, excerpt, type Rng, type Row, tempDir } from './lib.ts'

export function corpus(): BadCase[] {
  return [...configCases(), ...inputCases()]
}

/** Every file under `dir` with its size and mtime, to see what a run wrote. */
function snapshot(dir: string, root = dir, out = new Map<string, string>()): Map<string, string> {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name)
    const stat = statSync(path)
    if (stat.isDirectory()) snapshot(path, root, out)
    else out.set(relative(root, path), `${stat.size}:${stat.mtimeMs}`)
  }
  return out
}

export interface CaseResult {
  id: string
  group: string
  ok: boolean
  problems: string[]
  code?: number
  ms: number
}

export async function runCase(c: BadCase, root: string): Promise<CaseResult> {
  // The case runs in <case>/a/b/c so a path climbing out of it still lands where we look.
  const caseDir = join(root, c.id)
  const dir = join(caseDir, 'a/b/c')
  for (const [name, content] of Object.entries(c.files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true })
    writeFileSync(join(dir, name), content)
  }
  mkdirSync(dir, { recursive: true })
  const before = snapshot(caseDir)
  const started = Date.now()
  const problems: string[] = []
  let code: number | undefined
  try {
    const r = await cli(c.args ?? ['run', 'p.yml'], {
      cwd: dir,
      env: c.env,
      timeoutMs: c.timeoutMs ?? 30_000,
    })
    code = r.code
    const out = r.stdout + r.stderr
    if (!c.codes.includes(r.code))
      problems.push(`exit ${r.code}, want ${c.codes.join(' or ')}: ${excerpt(out, 2)}`)
    if (/^\s+at .*(\(|:\d+)/m.test(out)) problems.push(`stack trace without --debug: ${excerpt(out, 2)}`)
    if (out.includes('[object Object]'))
      problems.push(`unclear message ([object Object]): ${excerpt(out, 2)}`)
    if (r.code !== 0 && c.mention) {
      const found = typeof c.mention === 'string' ? out.includes(c.mention) : c.mention.test(out)
      if (!found) problems.push(`message does not name ${c.mention}: ${excerpt(out, 3)}`)
    }
    if (r.code !== 0 && !out.trim()) problems.push('failed without a message')
    const after = snapshot(caseDir)
    const added = [...after.keys()].filter((k) => before.get(k) !== after.get(k))
    if (r.code === 2 && added.length) problems.push(`config error but wrote ${added.slice(0, 4).join(', ')}`)
    // a run-time failure may leave state and staging, never a published output
    if (r.code === 1) {
      const published = added.filter(
        (k) => /(^|\/)(out|sortie)[^/]*\.json$/.test(k) && !/_temp|_incremental/.test(k),
      )
      if (published.length) problems.push(`failed run published ${published.join(', ')}`)
    }
  } catch (error) {
    problems.push(`hung: ${excerpt(String(error), 1)}`)
  }
  return { id: c.id, group: c.group, ok: problems.length === 0, problems, code, ms: Date.now() - started }
}

/** Runs cases two at a time (config errors are quick, two cores are shared). */
export async function runCases(
  cases: BadCase[],
  concurrency = 2,
  log = console.error,
): Promise<CaseResult[]> {
  const root = tempDir('bizon-bad-')
  const results: CaseResult[] = []
  let next = 0
  const worker = async () => {
    while (next < cases.length) {
      const c = cases[next++]!
      const result = await runCase(c, root)
      if (!result.ok) log(`bad-input ${c.id}: ${result.problems.join('; ')}`)
      results.push(result)
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  return results
}

/** Writes the corpus to torture/corpus/generated for reading (big data files are left out). */
export function writeCorpus(dir: string): void {
  for (const c of corpus()) {
    for (const [name, content] of Object.entries(c.files)) {
      // big files (huge records, padding) are made at run time, not kept
      if (content.length > 64 * 1024) continue
      const file = join(dir, c.id, name)
      mkdirSync(dirname(file), { recursive: true })
      writeFileSync(file, content)
    }
    const meta = {
      group: c.group,
      args: c.args ?? ['run', 'p.yml'],
      exit: c.codes,
      mention: String(c.mention ?? ''),
    }
    mkdirSync(join(dir, c.id), { recursive: true })
    writeFileSync(join(dir, c.id, 'case.json'), `${JSON.stringify(meta, null, 2)}\n`)
  }
}

export async function badInputCampaign(rng: Rng, quick: boolean): Promise<Row[]> {
  let cases = corpus()
  if (quick) cases = cases.filter(() => rng.next() < 0.4)
  const results = await runCases(cases)
  const groups = new Map<string, CaseResult[]>()
  for (const r of results) groups.set(r.group, [...(groups.get(r.group) ?? []), r])
  return [...groups].map(([group, rs]) => {
    const bad = rs.filter((r) => !r.ok)
    const slowest = Math.max(...rs.map((r) => r.ms))
    return {
      case: group,
      trials: rs.length,
      note: `${rs.length - bad.length}/${rs.length} rejected cleanly, slowest ${(slowest / 1000).toFixed(1)} s${bad.length ? `; failing: ${bad.map((b) => b.id).join(', ')}` : ''}`,
      ok: bad.length === 0,
    }
  })
}

if (import.meta.main) {
  const dir = join(import.meta.dir, 'corpus/generated')
  writeCorpus(dir)
  console.log(`wrote ${corpus().length} cases to ${dir}`)
}

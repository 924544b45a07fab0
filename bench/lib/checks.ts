/** The rows that are not a pipeline's throughput: start-up times and RSS growth with N. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadAverage, medianMs } from './measure.ts'
import type { Row } from './table.ts'

/** `--version` and `validate` wall times, median of `runs` (issue 9: --version under 30 ms). */
export function startupRows(bin: string[], runs: number): Row[] {
  const dir = mkdtempSync(join(tmpdir(), 'bizon-bench-startup-'))
  try {
    const version = medianMs([...bin, '--version'], runs, dir)
    const yml = join(dir, 'pipeline.yml')
    writeFileSync(
      yml,
      'name: startup\nsource:\n  name: dummy\n  stream: creatures\ndestination:\n  name: logger\n',
    )
    const load = loadAverage()
    const validate = medianMs([...bin, 'validate', yml], runs, dir)
    const rows: Row[] = [
      {
        workload: 'startup --version',
        summary: `median of ${runs}`,
        wallSeconds: version.ms / 1000,
        targetText: '< 30 ms',
        pass: version.ok && version.ms < 30,
      },
      { workload: 'startup validate', summary: `median of ${runs}`, wallSeconds: validate.ms / 1000 },
    ]
    if (!validate.ok) rows[1]!.note = 'validate exited non-zero'
    for (const r of rows) r.load = [load, loadAverage()]
    return rows
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** Issue 9: peak RSS must not grow with the number of records (file-5m vs file-1m). */
export function flatRss(results: Map<string, Row>) {
  const one = results.get('file-1m')
  const five = results.get('file-5m')
  if (!one?.peakRssMb || !five?.peakRssMb) return
  const grows = five.peakRssMb > one.peakRssMb * 1.2 + 10
  five.note = `peak RSS ${one.peakRssMb.toFixed(0)} MB at ${one.records} → ${five.peakRssMb.toFixed(0)} MB at ${five.records}: ${grows ? 'GROWS (FAIL)' : 'flat (ok)'}`
}

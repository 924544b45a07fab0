/** The one results table bench/run.ts prints. */

export interface Row {
  workload: string
  summary: string
  records?: number
  recordsPerSec?: number
  mbPerSec?: number
  /** What the ratio compares with: `raw <primitive>` or another workload. */
  versus?: string
  versusPerSec?: number
  ratio?: number
  target?: number
  /** Shown instead of the ratio target (start-up rows). */
  targetText?: string
  pass?: boolean
  wallSeconds?: number
  peakRssMb?: number
  rssLimitMb?: number
  rssPass?: boolean
  rawPeakRssMb?: number
  /** Pipeline runs behind the medians (--repeat). */
  runs?: number
  /** 1-minute load average before and after the measurement. */
  load?: [number, number]
  skipped?: string
  failed?: string
  note?: string
}

const num = (x: number | undefined, digits = 0) =>
  x === undefined || Number.isNaN(x)
    ? '-'
    : x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
const mark = (pass: boolean | undefined) => (pass === undefined ? '' : pass ? ' ok' : ' FAIL')

export function formatTable(rows: Row[]): string {
  const header = [
    'workload',
    'records',
    'rec/s',
    'MB/s',
    'vs',
    'vs rec/s',
    'ratio',
    'target',
    'wall s',
    'peak RSS MB',
    'load',
  ]
  const lines: string[][] = [header]
  const notes: string[] = []
  for (const r of rows) {
    if (r.skipped || r.failed) {
      lines.push([r.workload, r.skipped ? 'skipped' : 'FAILED', '', '', '', '', '', '', '', '', ''])
      notes.push(`${r.workload}: ${r.skipped ?? r.failed}`)
      continue
    }
    lines.push([
      r.workload,
      num(r.records),
      num(r.recordsPerSec),
      num(r.mbPerSec, 1),
      r.versus ?? '',
      num(r.versusPerSec),
      r.ratio === undefined ? '' : `${(r.ratio * 100).toFixed(0)} %`,
      r.targetText !== undefined
        ? `${r.targetText}${mark(r.pass)}`
        : r.target === undefined
          ? ''
          : `≥ ${(r.target * 100).toFixed(0)} %${mark(r.pass)}`,
      num(r.wallSeconds, r.wallSeconds !== undefined && r.wallSeconds < 1 ? 3 : 2),
      r.peakRssMb === undefined
        ? ''
        : `${num(r.peakRssMb)}${r.rssLimitMb ? ` (< ${r.rssLimitMb}${mark(r.rssPass)})` : ''}`,
      r.load ? `${r.load[0].toFixed(1)}→${r.load[1].toFixed(1)}` : '',
    ])
    if (r.note) notes.push(`${r.workload}: ${r.note}`)
  }
  const widths = header.map((_, i) => Math.max(...lines.map((l) => l[i]!.length)))
  const right = new Set([1, 2, 3, 5, 6, 8, 9])
  const text = lines.map((l) =>
    l
      .map((cell, i) => (right.has(i) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd(),
  )
  text.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('  '))
  return [...text, ...(notes.length ? ['', ...notes] : [])].join('\n')
}

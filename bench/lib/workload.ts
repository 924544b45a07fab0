/** What a benchmark workload is, and picking them by name (with the ones they are compared with). */

export type Service = 'pg' | 'nats'

/** What a workload's hooks get: its temp folder, the template variables and the service URLs. */
export interface WorkloadContext {
  dir: string
  records: number
  recordBytes: number
  vars: Record<string, string>
  pgUrl?: string
  natsUrl?: string
}

export interface Workload {
  name: string
  summary: string
  needs: Service[]
  sources: string[]
  destinations: string[]
  template: string
  /** Records for a full run; `--records N` replaces it by `scale * N`. */
  records: number
  scale?: number
  recordBytes: number
  vars?: Record<string, string>
  env?: Record<string, string>
  /** A raw primitive run right before the pipeline (script in bench/raw, its arguments)... */
  raw?: { script: string; args: (c: WorkloadContext) => string[] }
  /** ...or another workload's pipeline rate as the reference. */
  versus?: string
  /** A second raw primitive shown in the notes only (e.g. the same envelope lines bizon writes). */
  extraRaw?: { script: string; label: string; args: (c: WorkloadContext) => string[] }
  /** ...or the same pipeline with a switch turned off (env), run alternately with it. */
  switchedOff?: { label: string; env: Record<string, string> }
  /** Least ratio to the reference that passes. */
  target?: number
  /** Peak RSS limit in MB (issue 9: 150 MB with default buffers). */
  rssLimitMb?: number
  /** Untimed set-up, e.g. the input of a source. */
  prepare?: { script: string; args: (c: WorkloadContext) => string[] }
  /** Where the pipeline's output is counted (must equal `records`). */
  output: 'file' | 'sqlite' | 'pg'
}

/** The selected workloads plus the ones they are compared with, in definition order. */
export function select(workloads: Workload[], only: string[] | undefined): Workload[] {
  if (!only?.length) return workloads
  const unknown = only.filter((name) => name !== 'startup' && !workloads.some((w) => w.name === name))
  if (unknown.length)
    throw new Error(
      `Unknown workload ${unknown.join(', ')}. Known: startup, ${workloads.map((w) => w.name).join(', ')}.`,
    )
  const wanted = new Set(only)
  for (let grew = true; grew; ) {
    grew = false
    for (const w of workloads)
      if (wanted.has(w.name) && w.versus && !wanted.has(w.versus)) {
        wanted.add(w.versus)
        grew = true
      }
  }
  return workloads.filter((w) => wanted.has(w.name))
}

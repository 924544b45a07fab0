/** The benchmark workloads: a pipeline template, its size, what it is compared with, its targets. */
import type { Workload, WorkloadContext } from './lib/workload.ts'

const M = 1_000_000
const LIGHT_JS = [{ label: 'double', js: 'data.score2 = data.score * 2' }]
// ~30 µs of pure CPU per record: a transform heavy enough for the runner to matter.
const CPU_JS = [
  {
    label: 'cpu',
    js: 'let h = 0; for (let k = 0; k < 20000; k++) h = (h * 31 + k) | 0; data.h = h',
  },
]

// The limits.md primitive: the same records, bare lines (no envelope), as issues 2 and 9 define it.
const fileRaw = {
  script: 'ndjson.ts',
  args: (c: WorkloadContext) => [
    '--plain',
    '--records',
    `${c.records}`,
    '--record-bytes',
    `${c.recordBytes}`,
    '--out',
    `${c.dir}/raw.json`,
  ],
}
// The same envelope lines bizon writes, by a naive program (randomUUID, toISOString, stringify).
const envelopeRaw = {
  script: 'ndjson.ts',
  label: 'the same envelope lines bizon writes',
  args: (c: WorkloadContext) => fileRaw.args(c).slice(1),
}
// limits.md's in-process handoff, for scale: far above any pipeline, so not a ratio.
const queueRaw = {
  script: 'queue.ts',
  label: 'pages of 1000 handed over a bounded in-process channel',
  args: (c: WorkloadContext) => ['--records', `${c.records}`, '--page', '1000'],
}
const file = { sources: ['synthetic'], destinations: ['file'], template: 'synthetic-file.yml', needs: [] }
// The file workloads held to issue 9's targets: ratio to bare NDJSON and peak RSS.
const fileVsRaw = {
  ...file,
  raw: fileRaw,
  extraRaw: envelopeRaw,
  target: 0.7,
  rssLimitMb: 150,
  output: 'file' as const,
}

export const workloads: Workload[] = [
  {
    ...fileVsRaw,
    name: 'file-1m',
    summary: 'synthetic → file, ~200 B records',
    records: M,
    recordBytes: 200,
  },
  {
    ...fileVsRaw,
    name: 'file-5m',
    summary: 'synthetic → file, 5x the records (RSS must stay flat)',
    records: 5 * M,
    scale: 5,
    recordBytes: 200,
  },
  {
    ...fileVsRaw,
    name: 'file-2kb',
    summary: 'synthetic → file, ~2 KB records',
    records: M,
    recordBytes: 2000,
  },
  {
    ...fileVsRaw,
    name: 'file-process',
    summary: 'synthetic → file, ~200 B records, --runner process (source and conversion on a second core)',
    records: M,
    recordBytes: 200,
    vars: { runner: 'process' },
    extraRaw: undefined,
    target: undefined,
  },
  {
    name: 'sqlite',
    summary: 'synthetic → sqlite',
    needs: [],
    sources: ['synthetic'],
    destinations: ['sqlite'],
    template: 'synthetic-sqlite.yml',
    records: M,
    recordBytes: 200,
    raw: {
      script: 'sqlite.ts',
      args: (c) => [
        '--records',
        `${c.records}`,
        '--record-bytes',
        `${c.recordBytes}`,
        '--db',
        `${c.dir}/raw.sqlite`,
      ],
    },
    target: 0.6,
    output: 'sqlite',
  },
  {
    name: 'postgres',
    summary: 'synthetic → postgres (COPY)',
    needs: ['pg'],
    sources: ['synthetic'],
    destinations: ['postgres'],
    template: 'synthetic-postgres.yml',
    records: M,
    recordBytes: 200,
    raw: {
      script: 'pg-copy.ts',
      args: (c) => pgArgs(c, 'copy', `bench_raw_${c.vars.suffix}`),
    },
    target: 0.7,
    output: 'pg',
  },
  {
    name: 'pg-to-file',
    summary: 'postgres → file',
    needs: ['pg'],
    sources: ['postgres'],
    destinations: ['file'],
    template: 'postgres-file.yml',
    records: M,
    recordBytes: 200,
    prepare: { script: 'pg-copy.ts', args: (c) => pgArgs(c, 'seed', c.vars.table!) },
    raw: {
      script: 'pg-read.ts',
      args: (c) => ['--url', c.pgUrl!, '--table', c.vars.table!, '--out', `${c.dir}/raw.json`],
    },
    output: 'file',
  },
  {
    name: 'file-to-pg',
    summary: 'file (NDJSON) → postgres',
    needs: ['pg'],
    sources: ['file'],
    destinations: ['postgres'],
    template: 'file-postgres.yml',
    records: M,
    recordBytes: 200,
    prepare: {
      script: 'ndjson.ts',
      args: (c) => [
        '--plain',
        '--records',
        `${c.records}`,
        '--record-bytes',
        `${c.recordBytes}`,
        '--out',
        c.vars.input!,
      ],
    },
    raw: {
      script: 'pg-copy.ts',
      args: (c) => [...pgArgs(c, 'load', `bench_raw_${c.vars.suffix}`), '--file', c.vars.input!],
    },
    target: 0.7,
    output: 'pg',
  },
  {
    ...file,
    name: 'nats',
    summary: 'synthetic → file through the nats queue (vs memory queue)',
    needs: ['nats'],
    template: 'synthetic-file-nats.yml',
    records: M,
    recordBytes: 200,
    extraRaw: queueRaw,
    versus: 'file-1m',
    target: 0.5,
    output: 'file',
  },
  {
    ...file,
    name: 'js',
    summary: 'synthetic → file with a js transform (vs none)',
    records: M,
    recordBytes: 200,
    vars: { transforms: JSON.stringify(LIGHT_JS) },
    versus: 'file-1m',
    output: 'file',
  },
  {
    ...file,
    name: 'nats-js',
    summary: 'nats queue with a js transform (vs memory queue with it)',
    needs: ['nats'],
    template: 'synthetic-file-nats.yml',
    records: M,
    recordBytes: 200,
    vars: { transforms: JSON.stringify(LIGHT_JS) },
    versus: 'js',
    target: 0.5,
    output: 'file',
  },
  {
    ...file,
    name: 'cpu-thread',
    summary: 'CPU-heavy js transform, --runner thread',
    records: M / 5,
    scale: 0.2,
    recordBytes: 200,
    vars: { transforms: JSON.stringify(CPU_JS), runner: 'thread' },
    output: 'file',
  },
  {
    ...file,
    name: 'cpu-process',
    summary: 'CPU-heavy js transform, --runner process (vs thread)',
    records: M / 5,
    scale: 0.2,
    recordBytes: 200,
    vars: { transforms: JSON.stringify(CPU_JS), runner: 'process' },
    versus: 'cpu-thread',
    output: 'file',
  },
  {
    ...file,
    name: 'checkpoint',
    summary: 'buffer_size 0: one durable checkpoint per page, vs the same run without (cost < 3 %)',
    records: M,
    recordBytes: 200,
    vars: { buffer_size: '0' },
    switchedOff: { label: 'BIZON_BENCH_NO_CHECKPOINT=1', env: { BIZON_BENCH_NO_CHECKPOINT: '1' } },
    target: 0.97,
    output: 'file',
  },
]

function pgArgs(c: WorkloadContext, mode: string, table: string): string[] {
  return [
    '--mode',
    mode,
    '--url',
    c.pgUrl!,
    '--table',
    table,
    '--records',
    `${c.records}`,
    '--record-bytes',
    `${c.recordBytes}`,
  ]
}

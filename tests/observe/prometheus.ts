/** Parses Prometheus text into `name{labels}` → value, checking every sample has HELP and TYPE. */
export function parsePrometheus(text: string): Map<string, number> {
  const samples = new Map<string, number>()
  const typed = new Set<string>()
  for (const line of text.trim().split('\n')) {
    const meta = /^# (HELP|TYPE) (\S+) (.+)$/.exec(line)
    if (meta) {
      if (meta[1] === 'TYPE') typed.add(meta[2]!)
      continue
    }
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})? (\S+)$/.exec(line)
    if (!sample) throw new Error(`not a sample line: ${line}`)
    const base = sample[1]!.replace(/_(bucket|sum|count)$/, '')
    if (!typed.has(sample[1]!) && !typed.has(base)) throw new Error(`no TYPE before ${line}`)
    samples.set(`${sample[1]}${sample[2] ?? ''}`, Number(sample[3]))
  }
  return samples
}

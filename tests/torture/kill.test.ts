/** The fast slice of the kill campaign: SIGKILL file-destination pipelines mid-run; reruns lose nothing. */
import { afterAll, describe, expect, setDefaultTimeout, test } from 'bun:test'
import { type Combo, comboName, killTrial } from '../../torture/kill.ts'
import { cleanTempDirs, leaks, Rng } from '../../torture/lib.ts'

setDefaultTimeout(60_000)
afterAll(cleanTempDirs)

const combos: Combo[] = [
  { mode: 'incremental', queue: 'memory', runner: 'thread', dest: 'file' },
  { mode: 'full_refresh', queue: 'memory', runner: 'thread', dest: 'file' },
]

describe('kill campaign (fast slice)', () => {
  for (const [i, combo] of combos.entries()) {
    test(`${comboName(combo)}: killed twice at seeded moments, the rerun publishes every record`, async () => {
      const result = await killTrial(
        combo,
        // moments that always come before the run ends, so every trial really kills
        {
          rng: new Rng(11 + i),
          trials: 1,
          kills: 2,
          records: 300,
          pageSize: 20,
          sleepMs: 30,
          triggers: ['cursor', 'write'],
        },
        i,
      )
      expect(result.kills).toBe(2)
      expect(result.problems).toEqual([])
      expect(result.lost).toBe(0)
      // a full refresh publishes exactly the source, whatever was killed
      if (combo.mode === 'full_refresh') expect(result.duplicates).toBe(0)
      expect(leaks).toEqual([])
    })
  }
})

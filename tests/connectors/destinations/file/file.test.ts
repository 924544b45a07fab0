/** The file destination: line format, unnest, routing, paths and crash recovery (reference §8.3). */
import { describe, expect, test } from 'bun:test'
import {
  appendFileSync,
  existsSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { join } from 'node:path'
import * as v from 'valibot'
import decl, { FileConfig } from '../../../../connectors/destinations/file/index.ts'
import { isoWithOffset } from '../../../../src/engine/ids.ts'
import type { DestinationContext, DestinationRecord, SyncMode } from '../../../../src/index.ts'
import { makeRecords } from '../../../conformance/destination.suite.ts'
import { tempDir } from '../../../helpers/tmp.ts'

const silent = { debug() {}, info() {}, warn() {}, error() {} }
const config = { ...v.parse(FileConfig, {}), buffer_size: 50, buffer_flush_timeout: 600, unnest: false }

function context(
  baseDir: string,
  syncMode: SyncMode,
  more: Partial<DestinationContext> = {},
): DestinationContext {
  return {
    pipeline: 'p',
    source: 'dummy',
    stream: 'creatures',
    syncMode,
    destinationId: 'out',
    jobId: 'a'.repeat(32),
    resuming: false,
    recordSchemas: [],
    unnest: false,
    logger: silent,
    baseDir,
    ...more,
  }
}

async function run(ctx: DestinationContext, batches: DestinationRecord[][], finalize = true) {
  const destination = await decl.create(config, ctx)
  for (const batch of batches) await destination.write(batch, { destinationId: ctx.destinationId })
  if (finalize) await destination.finalize?.()
  await destination.close?.()
}

const lines = (path: string) => readFileSync(path, 'utf8').trimEnd().split('\n').filter(Boolean)
const idsIn = (path: string) => lines(path).map((line) => JSON.parse(line).source_record_id)
const idsOf = (...batches: DestinationRecord[][]) => batches.flat().map((r) => r.source_record_id)

describe('file destination', () => {
  test('writes compact envelope lines with ISO timestamps and source_data as JSON text', async () => {
    const dir = tempDir()
    const at = new Date('2024-12-05T12:00:00.123Z')
    const record: DestinationRecord = {
      bizon_id: 'f'.repeat(32),
      bizon_extracted_at: at,
      bizon_loaded_at: new Date('2024-12-05T12:00:01Z'),
      source_record_id: '9898',
      source_timestamp: new Date('2023-01-02T03:04:05.006Z'),
      source_data: '{"id":9898,"name":"bizon \\"b\\"","age":26}',
    }
    await run(context(dir, 'full_refresh'), [[record]])
    expect(readFileSync(join(dir, 'out.json'), 'utf8')).toBe(
      `{"bizon_id":"${'f'.repeat(32)}","bizon_extracted_at":"2024-12-05T12:00:00.123000+00:00",` +
        '"bizon_loaded_at":"2024-12-05T12:00:01.000000+00:00","source_record_id":"9898",' +
        '"source_timestamp":"2023-01-02T03:04:05.006000+00:00",' +
        '"source_data":"{\\"id\\":9898,\\"name\\":\\"bizon \\\\\\"b\\\\\\"\\",\\"age\\":26}"}\n',
    )
    expect(JSON.parse(JSON.parse(lines(join(dir, 'out.json'))[0]!).source_data).name).toBe('bizon "b"')
    expect(readdirSync(dir)).toEqual(['out.json'])
  })

  test('timestamps read exactly as isoWithOffset, across seconds, years and before 1970', async () => {
    const dir = tempDir()
    const dates = [
      0,
      -1,
      -1500,
      999,
      1000,
      1001,
      59_999,
      1_700_000_000_123,
      253_402_300_799_999,
      Date.UTC(2024, 1, 29),
    ]
    for (let i = 0; i < 200; i++) dates.push(Math.floor(Math.random() * 4e12) - 1e12)
    const records = makeRecords('t', dates.length).map((r, i) => ({
      ...r,
      source_timestamp: new Date(dates[i]!),
    }))
    await run(context(dir, 'full_refresh'), [records])
    const written = lines(join(dir, 'out.json')).map((line) => JSON.parse(line).source_timestamp)
    expect(written).toEqual(dates.map((ms) => isoWithOffset(new Date(ms))))
  })

  test('unnest writes the record fields in schema order, and rejects records with other keys', async () => {
    const dir = tempDir()
    const schema = {
      destination_id: 'out',
      record_schema: ['age', 'id', 'name'].map((name) => ({ name, type: 'string' })),
    }
    const ctx = context(dir, 'full_refresh', { unnest: true, recordSchemas: [schema] })
    const [ok] = makeRecords('r', 1)
    ok!.source_data = '{"id":1,"name":"bizon","age":{"years":26}}'
    await run(ctx, [[ok!]])
    expect(readFileSync(join(dir, 'out.json'), 'utf8')).toBe('{"age":{"years":26},"id":1,"name":"bizon"}\n')

    const destination = await decl.create(config, ctx)
    const [bad] = makeRecords('bad', 1)
    bad!.source_data = '{"id":1,"nom":"bizon","age":26}'
    await expect(destination.write([bad!], { destinationId: 'out' })).rejects.toThrow(
      'Keys do not match the schema. Expected [age, id, name], found [id, nom, age]',
    )
    await expect(destination.write([ok!], { destinationId: 'elsewhere' })).rejects.toThrow(
      'no record schema has that destination_id (schemas: out)',
    )
    await destination.close?.()
  })

  test('a batch that fails half-way leaves nothing of itself behind', async () => {
    const dir = tempDir()
    const schema = { destination_id: 'out', record_schema: [{ name: 'id', type: 'string' }] }
    const destination = await decl.create(
      config,
      context(dir, 'full_refresh', { unnest: true, recordSchemas: [schema] }),
    )
    const good = makeRecords('g', 3).map((r) => ({
      ...r,
      source_data: JSON.stringify({ id: r.source_record_id }),
    }))
    await destination.write(good, { destinationId: 'out' })
    // Large enough to be written in several chunks before the bad record at the end is reached.
    const big = makeRecords('b', 20_000).map((r) => ({
      ...r,
      source_data: JSON.stringify({ id: r.source_record_id }),
    }))
    big[19_999]!.source_data = '{"other":1}'
    await expect(destination.write(big, { destinationId: 'out' })).rejects.toThrow(
      'Keys do not match the schema',
    )
    await destination.finalize?.()
    expect(lines(join(dir, 'out.json')).map((line) => JSON.parse(line).id)).toEqual(idsOf(good))
  })

  test('stream mode appends to each routed main file directly; routes cannot leave the folder', async () => {
    const dir = tempDir()
    const ctx = context(dir, 'stream', { destinationId: 'plants' })
    const destination = await decl.create(config, ctx)
    const [a, b, c] = [makeRecords('a', 2), makeRecords('b', 2), makeRecords('c', 1)]
    await destination.write(a, { destinationId: 'plants' })
    await destination.write(b, { destinationId: 'routed' })
    expect(idsIn(join(dir, 'plants.json'))).toEqual(idsOf(a))
    await destination.write(c, { destinationId: 'plants' })
    expect(idsIn(join(dir, 'plants.json'))).toEqual(idsOf(a, c))
    expect(idsIn(join(dir, 'routed.json'))).toEqual(idsOf(b))
    await expect(destination.write(c, { destinationId: '../escape' })).rejects.toThrow('leads outside')
    await destination.close?.()
    expect(readdirSync(dir).sort()).toEqual(['plants.json', 'routed.json'])
  })

  test('a destination_id with folders or an absolute path is honoured', async () => {
    const dir = tempDir()
    await run(context(dir, 'full_refresh', { destinationId: 'out/nested/creatures' }), [makeRecords('a', 1)])
    expect(idsIn(join(dir, 'out/nested/creatures.json'))).toEqual(['a-0'])
    const elsewhere = tempDir()
    await run(context(dir, 'full_refresh', { destinationId: join(elsewhere, 'abs') }), [makeRecords('b', 1)])
    expect(idsIn(join(elsewhere, 'abs.json'))).toEqual(['b-0'])
  })

  test('a folder it cannot write to is named in a clear error', async () => {
    const dir = tempDir()
    writeFileSync(join(dir, 'plain-file'), '')
    const ctx = context(dir, 'full_refresh', { destinationId: 'plain-file/out' })
    const error = await Promise.resolve(decl.create(config, ctx)).catch((e: Error) => e)
    expect((error as Error).message).toStartWith(
      `Destination "file" could not create ${join(dir, 'plain-file/out_temp.json')}: EEXIST`,
    )
    expect((error as Error).message).toEndWith('Check that the folder is writable and the disk has space.')
  })

  test('a flush commits what was written before it while the next pages are appended', async () => {
    const dir = tempDir()
    const destination = await decl.create(config, context(dir, 'full_refresh'))
    expect(destination.concurrentFlush).toBe(true)
    const [a, b] = [makeRecords('a', 3000), makeRecords('b', 3000)]
    await destination.write(a, { destinationId: 'out' })
    const committed = () => {
      const sidecar = readdirSync(dir).find((name) => name.endsWith('.committed'))
      const staging = sidecar!.slice(0, -'.committed'.length)
      return { size: Number(readFileSync(join(dir, sidecar!), 'utf8')), lines: lines(join(dir, staging)) }
    }
    // The flush and the next page's write run at once: the flush records the size of `a` only.
    const flushing = destination.flush!()
    const writing = destination.write(b, { destinationId: 'out' })
    await Promise.all([flushing, writing])
    const first = committed()
    const aBytes = first.lines.slice(0, 3000).reduce((sum, line) => sum + Buffer.byteLength(line) + 1, 0)
    expect(first.size).toBe(aBytes)
    await destination.flush!()
    const second = committed()
    expect(second.lines.map((line) => JSON.parse(line).source_record_id)).toEqual(idsOf(a, b))
    expect(second.size).toBe(second.lines.reduce((sum, line) => sum + Buffer.byteLength(line) + 1, 0))
    await destination.finalize?.()
    await destination.close?.()
    expect(idsIn(join(dir, 'out.json'))).toEqual(idsOf(a, b))
  })

  test('a write the disk refuses fails that write, with the reason', async () => {
    const dir = tempDir()
    // /dev/full refuses every write with ENOSPC: the resumed run's staging file points at it.
    symlinkSync('/dev/full', join(dir, 'out_temp.json'))
    const destination = await decl.create(config, context(dir, 'full_refresh', { resuming: true }))
    await expect(destination.write(makeRecords('a', 1000), { destinationId: 'out' })).rejects.toThrow(
      /could not write .*out_temp\.json: .*(ENOSPC|disk).*Check that the folder is writable and the disk has space/,
    )
    await destination.close?.()
  })

  test('a resumed full refresh keeps what the crashed attempt wrote', async () => {
    const dir = tempDir()
    const [a, b] = [makeRecords('a', 2), makeRecords('b', 2)]
    await run(context(dir, 'full_refresh'), [a], false)
    await run(context(dir, 'full_refresh', { resuming: true }), [b])
    expect(idsIn(join(dir, 'out.json'))).toEqual(idsOf(a, b))
  })

  test('an append interrupted by a crash is redone exactly once by the next finalize', async () => {
    const dir = tempDir()
    const main = join(dir, 'out.json')
    const [a, b] = [makeRecords('a', 3), makeRecords('b', 4)]
    await run(context(dir, 'incremental'), [a])
    await run(context(dir, 'incremental'), [b], false)
    // What finalize does, stopped half-way: marker written, half of the staging appended.
    const staging = readFileSync(join(dir, 'out_incremental.json'))
    writeFileSync(join(dir, 'out_incremental.marker'), String(statSync(main).size))
    appendFileSync(main, staging.subarray(0, staging.length / 2))
    await run(context(dir, 'incremental', { resuming: true }), [])
    expect(idsIn(main)).toEqual(idsOf(a, b))
    expect(readdirSync(dir)).toEqual(['out.json'])
  })

  test('a crash after the append but before the marker was removed appends nothing twice', async () => {
    const dir = tempDir()
    const main = join(dir, 'out.json')
    const [a, b] = [makeRecords('a', 3), makeRecords('b', 4)]
    await run(context(dir, 'incremental'), [a])
    const sizeBefore = statSync(main).size
    await run(context(dir, 'incremental'), [b])
    writeFileSync(join(dir, 'out_incremental.marker'), String(sizeBefore))
    await run(context(dir, 'incremental', { resuming: true }), [])
    expect(idsIn(main)).toEqual(idsOf(a, b))
    expect(existsSync(join(dir, 'out_incremental.marker'))).toBe(false)
  })

  test('a fresh incremental run drops a crashed job’s staging and half-done append', async () => {
    const dir = tempDir()
    const main = join(dir, 'out.json')
    const [a, b, c] = [makeRecords('a', 3), makeRecords('b', 4), makeRecords('c', 2)]
    await run(context(dir, 'incremental'), [a])
    await run(context(dir, 'incremental'), [b], false)
    writeFileSync(join(dir, 'out_incremental.marker'), String(statSync(main).size))
    appendFileSync(main, readFileSync(join(dir, 'out_incremental.json')).subarray(0, 100))
    await run(context(dir, 'incremental'), [c])
    expect(idsIn(main)).toEqual(idsOf(a, c))
  })

  test('only the json format is accepted', () => {
    expect(v.parse(decl.config!, {})).toEqual({ format: 'json' })
    expect(v.safeParse(decl.config!, { format: 'csv' }).success).toBe(false)
  })
})

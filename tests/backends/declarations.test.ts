/** The backend declarations: names, documented keys, defaults and config errors. */
import { expect, test } from 'bun:test'
import * as v from 'valibot'
import { backends, findBackend } from '../../src/backends/index.ts'

test('declares sqlite, sqlite_in_memory and postgres with a description on every key', () => {
  expect(backends.map((b) => b.name)).toEqual(['sqlite', 'sqlite_in_memory', 'postgres'])
  for (const backend of backends) {
    for (const [key, schema] of Object.entries(backend.config!.entries)) {
      const described =
        v.getDescription(schema as v.GenericSchema) ?? v.getDescription((schema as any).wrapped)
      expect(`${backend.name}.${key}: ${described ? 'described' : 'missing'}`).toBe(
        `${backend.name}.${key}: described`,
      )
    }
  }
  expect(findBackend('postgres')?.name).toBe('postgres')
  expect(findBackend('bigquery')).toBeUndefined()
})

test('fills the reference defaults', () => {
  expect(v.parse(findBackend('sqlite')!.config!, {})).toEqual({
    database: 'bizon',
    schema: 'public',
    syncCursorInDBEvery: 10,
    echoEngine: false,
  })
  expect(v.parse(findBackend('postgres')!.config!, { host: 'db' })).toMatchObject({ host: 'db', port: 5432 })
})

test('a bad key is a config error naming its path', async () => {
  const creating = findBackend('sqlite_in_memory')!.create({ syncCursorInDBEvery: 0 }, { baseDir: '.' })
  await expect(creating).rejects.toMatchObject({
    code: 'config',
    path: 'engine.backend.config.syncCursorInDBEvery',
  })
})

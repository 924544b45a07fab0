import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import type { Backend } from '../../src/backends/types.ts'
import { BizonError } from '../../src/errors.ts'
import { serve } from '../../src/server/serve.ts'
import { tempDir } from '../helpers/tmp.ts'
import { key, openBackend, seedJob } from './fixtures.ts'

let backend: Backend
beforeAll(async () => {
  backend = await openBackend(tempDir())
  await seedJob(backend, key('orders'), { batches: [3], end: 'succeeded' })
})
afterAll(() => backend.close())

describe('serve', () => {
  test('binding a non-loopback address without a token is refused before listening', () => {
    let error: unknown
    try {
      serve({ backend, host: '0.0.0.0', port: 0, env: {} })
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(BizonError)
    expect((error as BizonError).exitCode).toBe(2)
    expect((error as BizonError).message).toBe(
      'Refusing to serve the status page on 0.0.0.0 without a token: anyone who can reach it could read pipeline state and reset streams.',
    )
    expect((error as BizonError).hint).toBe(
      'Pass --token <secret> (or set BIZON_STATUS_TOKEN), or bind 127.0.0.1.',
    )
  })

  test('with BIZON_STATUS_TOKEN it serves every address and checks the token over HTTP', async () => {
    const server = serve({ backend, host: '0.0.0.0', port: 0, env: { BIZON_STATUS_TOKEN: 'tok-42-abc' } })
    try {
      const base = `http://127.0.0.1:${server.port}`
      expect((await fetch(`${base}/healthz`)).status).toBe(200)
      expect((await fetch(`${base}/api/pipelines`)).status).toBe(401)
      const ok = await fetch(`${base}/api/pipelines`, { headers: { authorization: 'Bearer tok-42-abc' } })
      expect(((await ok.json()) as any).pipelines.map((p: any) => p.name)).toEqual(['orders'])
    } finally {
      await server.stop()
    }
  })

  test('loopback without a token serves the page', async () => {
    const server = serve({ backend, port: 0, env: {} })
    try {
      expect(server.url).toBe(`http://127.0.0.1:${server.port}/`)
      const page = await fetch(server.url)
      expect(page.status).toBe(200)
      expect(await page.text()).toContain('<title>bizon status</title>')
    } finally {
      await server.stop()
    }
  })

  test('a port in use is a clear error', () => {
    const first = serve({ backend, port: 0, env: {} })
    try {
      expect(() => serve({ backend, port: first.port, env: {} })).toThrow(
        `Status server could not listen on 127.0.0.1:${first.port}`,
      )
    } finally {
      first.stop()
    }
  })
})

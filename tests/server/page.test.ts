/** The status page in headless Chromium: lists pipelines, follows a running job live, queues a reset. */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from 'bun:test'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Browser, chromium, type Page } from 'playwright-core'
import type { Backend } from '../../src/backends/types.ts'
import { registry } from '../../src/cli/registry.ts'
import { loadPipeline } from '../../src/config/load.ts'
import { runPipeline } from '../../src/engine/pipeline.ts'
import { createLogger } from '../../src/observe/log.ts'
import { LiveRuns } from '../../src/server/live.ts'
import { type StatusServer, serve } from '../../src/server/serve.ts'
import { tempDir } from '../helpers/tmp.ts'
import { key, openBackend, runInfo, ScriptedRun, seedJob } from './fixtures.ts'

const CHROMIUM = process.env.BIZON_TEST_CHROMIUM ?? '/usr/bin/chromium'
/** Screenshots are kept for a person to look at after the run. */
export const SHOTS = process.env.BIZON_TEST_SCREENSHOTS ?? join(tmpdir(), 'bizon-screenshots')
const hasChromium = existsSync(CHROMIUM)
// a shared 2-core machine can be slow to start Chromium and to repaint: wait generously, fail clearly
setDefaultTimeout(30_000)
if (!hasChromium)
  console.warn(`Chromium is not at ${CHROMIUM}: skipping the page tests. ./scripts/test installs it.`)

let backend: Backend
let server: StatusServer
let browser: Browser
let page: Page
const live = new LiveRuns()
let slow: ScriptedRun

beforeAll(async () => {
  if (!hasChromium) return
  mkdirSync(SHOTS, { recursive: true })
  backend = await openBackend(tempDir())
  await seedJob(backend, key('orders_to_warehouse', 'shop', 'orders'), {
    batches: [500, 500, 250],
    end: 'succeeded',
    syncMode: 'incremental',
  })
  await seedJob(backend, key('crm_contacts', 'hubspot', 'contacts'), {
    batches: [100],
    end: 'failed',
    error:
      'destination: Destination "postgres" could not write 100 records: connection refused. Check destination.config.host.',
  })
  slow = await new ScriptedRun(backend, live.observer(), runInfo('creatures_live', { total: 1000 })).start()
  await slow.batch(100)
  server = serve({ backend, live, host: '127.0.0.1', port: 0, pollMs: 200 })
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--headless',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
  page.on('dialog', (dialog) => dialog.accept())
})

afterAll(async () => {
  await browser?.close()
  await server?.stop()
  await backend?.close()
})

describe.skipIf(!hasChromium)('status page', () => {
  test('the overview lists finished, failed and running pipelines', async () => {
    await page.goto(server.url)
    const rows = page.locator('tr[data-pipeline]')
    await rows.first().waitFor()
    expect(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-pipeline')))).toEqual([
      'creatures_live',
      'crm_contacts',
      'orders_to_warehouse',
    ])
    const status = (name: string) => page.locator(`tr[data-pipeline="${name}"] .badge`).textContent()
    expect(await status('orders_to_warehouse')).toBe('succeeded')
    expect(await status('crm_contacts')).toBe('failed')
    expect(await status('creatures_live')).toBe('running')
    expect(await page.locator('tr[data-pipeline="crm_contacts"] .err').textContent()).toContain(
      'connection refused',
    )
    expect(await page.locator('tr[data-pipeline="orders_to_warehouse"] .records').textContent()).toContain(
      '1,250',
    )
    await page.locator('#conn.on').waitFor()
    await page.screenshot({ path: join(SHOTS, 'overview.png'), fullPage: true })
    await page.emulateMedia({ colorScheme: 'dark' })
    await page.screenshot({ path: join(SHOTS, 'overview-dark.png'), fullPage: true })
    await page.emulateMedia({ colorScheme: 'light' })
  })

  test('the overview follows the running job without a reload', async () => {
    const records = page.locator('tr[data-pipeline="creatures_live"] .records')
    expect(await records.textContent()).toContain('100')
    await slow.batch(150)
    await page.waitForFunction(
      () =>
        document.querySelector('tr[data-pipeline="creatures_live"] .records')?.textContent?.includes('250'),
      undefined,
      { timeout: 10_000 },
    )
  })

  test('the job page updates while a slow pipeline runs, then shows its end', async () => {
    await page.goto(`${server.url}jobs/${slow.job.id}`)
    await page.locator('#written').waitFor()
    expect(await page.locator('#written').textContent()).toBe('250')
    for (const records of [120, 90, 140]) {
      await Bun.sleep(350)
      await slow.batch(records, {
        queueDepth: records / 10,
        bufferBytes: records * 2000,
        bufferRecords: records,
      })
    }
    await page.waitForFunction(() => document.querySelector('#written')?.textContent === '600', undefined, {
      timeout: 10_000,
    })
    expect(await page.locator('svg[aria-label="records written over time"] path').count()).toBeGreaterThan(0)
    expect(await page.locator('h2', { hasText: 'Queue depth' }).count()).toBe(1)
    await page.screenshot({ path: join(SHOTS, 'job-running.png'), fullPage: true })
    await slow.fail(
      'destination',
      'Destination "file" could not write creatures.json: no space left on device.',
    )
    await page.waitForFunction(
      () => document.querySelector('h1 .badge')?.textContent === 'failed',
      undefined,
      { timeout: 10_000 },
    )
    expect(await page.locator('#error [data-stage]').textContent()).toBe('destination')
    expect(await page.locator('#error pre').textContent()).toContain('no space left on device')
    await page.screenshot({ path: join(SHOTS, 'job-failed.png'), fullPage: true })
  })

  test('a change made by another process shows up', async () => {
    await page.goto(server.url)
    await page.locator('#conn.on').waitFor()
    await seedJob(backend, key('nightly_export', 'postgres', 'events'), { batches: [42], end: 'succeeded' })
    await page.locator('tr[data-pipeline="nightly_export"]').waitFor({ timeout: 10_000 })
  })

  test('the reset button queues a stream reset', async () => {
    const sync = key('orders_to_warehouse', 'shop', 'orders')
    expect(await backend.getPendingReset(sync)).toBeNull()
    await page.locator('tr[data-pipeline="orders_to_warehouse"] button[data-reset]').click()
    await page
      .locator('.toast', { hasText: 'Reset requested for shop - orders' })
      .waitFor({ timeout: 10_000 })
    expect(await backend.getPendingReset(sync)).not.toBeNull()
    // only incremental streams offer the button
    expect(await page.locator('tr[data-pipeline="crm_contacts"] button[data-reset]').count()).toBe(0)
  })

  test('with a token: the page opened with ?token= loads, links keep it, live updates work', async () => {
    const guarded = serve({ backend, live, host: '127.0.0.1', port: 0, token: 'page-t0ken', pollMs: 200 })
    try {
      const denied = await page.goto(guarded.url)
      expect(denied?.status()).toBe(401)
      await page.goto(`${guarded.url}?token=page-t0ken`)
      await page.locator('#conn.on').waitFor()
      const link = page.locator('tr[data-pipeline="orders_to_warehouse"] a')
      expect(await link.getAttribute('href')).toEndWith('?token=page-t0ken')
      await seedJob(backend, key('token_check', 'postgres', 'events'), { batches: [1], end: 'succeeded' })
      await page.locator('tr[data-pipeline="token_check"]').waitFor({ timeout: 10_000 })
      await link.click()
      await page.locator('#written').waitFor()
      expect(await page.locator('#written').textContent()).toBe('1,250')
    } finally {
      await guarded.stop()
    }
  })

  test('a real slow pipeline: its job page follows it to the end without a reload', async () => {
    const dir = tempDir()
    const file = join(dir, 'slow.yml')
    writeFileSync(
      file,
      [
        'name: slow_synthetic',
        'source: {name: synthetic, stream: records, records: 2000, page_size: 100, sleep_ms: 200}',
        'destination: {name: file, config: {destination_id: out, buffer_size: 0}}',
        `engine: {backend: {type: sqlite, config: {database: ${JSON.stringify(join(dir, 'state'))}}}}`,
      ].join('\n'),
    )
    const runs = new LiveRuns()
    const state = await openBackend(dir)
    const local = serve({ backend: state, live: runs, port: 0, pollMs: 200 })
    try {
      const loaded = await loadPipeline(file, registry)
      const logger = createLogger({ stream: { write: () => true } })
      const done = runPipeline(loaded, {
        logger,
        observer: runs.observer(),
        signal: new AbortController().signal,
      })
      while (runs.list().length === 0) await Bun.sleep(20)
      await page.goto(`${local.url}jobs/${runs.list()[0]!.job.id}`)
      await page.locator('#written').waitFor()
      const seen = new Set<string>()
      while (seen.size < 3 && runs.list()[0]!.status === 'running') {
        seen.add((await page.locator('#written').textContent()) ?? '')
        await Bun.sleep(100)
      }
      expect(seen.size).toBeGreaterThanOrEqual(3)
      expect((await done).ok).toBe(true)
      await page.waitForFunction(
        () => document.querySelector('h1 .badge')?.textContent === 'succeeded',
        undefined,
        {
          timeout: 10_000,
        },
      )
      expect(await page.locator('#written').textContent()).toBe('2,000')
      await page.screenshot({ path: join(SHOTS, 'job-real-run.png'), fullPage: true })
    } finally {
      await local.stop()
      await state.close()
    }
  })
})

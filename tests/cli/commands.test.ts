/** The CLI verbs besides `run`, as a user calls them. */
import { describe, expect, setDefaultTimeout, test } from 'bun:test'
import { runCli } from '../helpers/cli.ts'
import { stateRows, syntheticPipeline, writePipeline } from '../helpers/pipeline.ts'
import { tempDir } from '../helpers/tmp.ts'

setDefaultTimeout(30_000)

describe('bizon commands', () => {
  test('--version prints the version alone', async () => {
    const result = await runCli(['--version'], { cwd: tempDir() })
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/^\d+\.\d+\.\d+\S*\n$/)
  })

  test('--help lists the commands; an unknown command is a usage error', async () => {
    const dir = tempDir()
    const help = await runCli(['--help'], { cwd: dir })
    expect(help.code).toBe(0)
    for (const verb of ['run', 'validate', 'source', 'stream', 'secrets']) expect(help.stdout).toContain(verb)
    const runHelp = await runCli(['run', '--help'], { cwd: dir })
    expect(runHelp.stdout).toContain('--runner')
    const unknown = await runCli(['frobnicate'], { cwd: dir })
    expect(unknown.code).toBe(2)
  })

  test('source list and stream list', async () => {
    const dir = tempDir()
    const sources = await runCli(['source', 'list'], { cwd: dir })
    expect(sources.code).toBe(0)
    expect(sources.stdout).toContain('dummy - [creatures, plants]')
    expect(sources.stdout).toContain('synthetic - [records]')
    const streams = await runCli(['stream', 'list', 'synthetic'], { cwd: dir })
    expect(streams.stdout).toBe('Available streams for synthetic:\n[Supports incremental] - records\n')
    const dummy = await runCli(['stream', 'list', 'dummy'], { cwd: dir })
    expect(dummy.stdout).toContain('[Full refresh only, stream] - creatures')
    const missing = await runCli(['stream', 'list', 'dumy'], { cwd: dir })
    expect(missing.code).toBe(2)
    expect(missing.stderr).toContain('Source dumy not found.\n  Did you mean "dummy"?')
  })

  test('stream reset queues one request, is idempotent, cancels, and the next run resets', async () => {
    const dir = tempDir()
    writePipeline(dir, 'p.yml', syntheticPipeline({ records: 100, syncMode: 'incremental' }))
    const never = await runCli(['stream', 'reset', 'p.yml'], { cwd: dir })
    expect(never.code).toBe(0)
    expect(never.stdout).toContain('Warning: no previous successful run found for synthetic - records.')
    const again = await runCli(['stream', 'reset', 'p.yml'], { cwd: dir })
    expect(again.stdout).toContain('A reset is already pending for synthetic - records, nothing to do.')
    const cancel = await runCli(['stream', 'reset', 'p.yml', '--cancel'], { cwd: dir })
    expect(cancel.stdout).toContain('Cancelled 1 pending reset request(s) for synthetic - records.')
    expect((await runCli(['run', 'p.yml'], { cwd: dir })).code).toBe(0)
    expect((await runCli(['stream', 'reset', 'p.yml'], { cwd: dir })).stdout).toContain(
      'Reset requested for synthetic - records.',
    )
    const reset = await runCli(['run', 'p.yml'], { cwd: dir })
    expect(reset.code).toBe(0)
    expect(reset.stderr).toContain('Resetting synthetic.records')
    const resets = stateRows(
      dir,
      'select consumed_at, consumed_by_job_id from stream_resets order by requested_at',
    )
    expect(resets).toHaveLength(2)
    expect(resets[0]!.consumed_by_job_id).toBeNull() // cancelled
    expect(resets[1]!.consumed_by_job_id).toMatch(/^[0-9a-f]{32}$/)
    writePipeline(dir, 'full.yml', syntheticPipeline({ name: 'full', records: 10 }))
    const refused = await runCli(['stream', 'reset', 'full.yml'], { cwd: dir })
    expect(refused.code).toBe(2)
    expect(refused.stderr).toContain(
      "Only incremental streams can be reset, but sync_mode is 'full_refresh'.",
    )
  })

  test('secrets check masks values and fails on a missing one', async () => {
    const dir = tempDir()
    writePipeline(dir, 'token.txt', 'from-a-file\n')
    const yaml =
      'name: x\nsource:\n  name: dummy\n  stream: creatures\n  authentication:\n    type: api_key\n    params:\n      token: env://BIZON_TEST_SECRET\n      other: "Bearer ${file://token.txt}"\ndestination:\n  name: logger\n'
    writePipeline(dir, 'p.yml', yaml)
    const ok = await runCli(['secrets', 'check', 'p.yml'], {
      cwd: dir,
      env: { BIZON_TEST_SECRET: 'hunter22' },
    })
    expect(ok.code).toBe(0)
    expect(ok.stdout).toContain('source.authentication.params.token   env://BIZON_TEST_SECRET   ✓  (8 chars)')
    expect(ok.stdout).toContain('file://token.txt')
    expect(ok.stdout).toContain('All 2 reference(s) resolved.')
    expect(ok.stdout + ok.stderr).not.toContain('hunter22')
    expect(ok.stdout + ok.stderr).not.toContain('from-a-file')
    const failed = await runCli(['secrets', 'check', 'p.yml'], {
      cwd: dir,
      env: { BIZON_TEST_SECRET: undefined },
    })
    expect(failed.code).not.toBe(0)
    expect(failed.stdout).toContain("✗  environment variable 'BIZON_TEST_SECRET' is not set")
  })

  test('.env beside the config is loaded; the environment wins (decision 12)', async () => {
    const dir = tempDir()
    writePipeline(dir, '.env', 'BIZON_TEST_DEST=from_dotenv\n')
    writePipeline(
      dir,
      'p.yml',
      'name: x\nsource:\n  name: dummy\n  stream: creatures\ndestination:\n  name: file\n  config:\n    destination_id: ${env://BIZON_TEST_DEST}\n',
    )
    expect((await runCli(['run', 'p.yml'], { cwd: dir, env: { BIZON_TEST_DEST: undefined } })).code).toBe(0)
    expect(await Bun.file(`${dir}/from_dotenv.json`).exists()).toBe(true)
    expect((await runCli(['run', 'p.yml'], { cwd: dir, env: { BIZON_TEST_DEST: 'from_env' } })).code).toBe(0)
    expect(await Bun.file(`${dir}/from_env.json`).exists()).toBe(true)
  })

  test('validate prints a checklist and writes nothing', async () => {
    const dir = tempDir()
    writePipeline(dir, 'p.yml', syntheticPipeline({ records: 42 }))
    const result = await runCli(['validate', 'p.yml'], { cwd: dir })
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('✔ config: synth: synthetic.records → file')
    expect(result.stdout).toContain('✔ source synthetic: reachable, 42 records')
    expect(await Bun.file(`${dir}/bizon.sqlite3`).exists()).toBe(false)
    const json = await runCli(['validate', 'p.yml', '--json'], { cwd: dir })
    expect(JSON.parse(json.stdout).ok).toBe(true)
  })
})

describe('help text', () => {
  test('the root help lists every command', async () => {
    const help = await runCli(['--help'], { cwd: tempDir() })
    const lines = help.stdout
      .split('\n')
      .map((line) => line.trimEnd())
      .join('\n')
    expect(lines).toMatchInlineSnapshot(`
      "Bizon: data pipelines in one binary. (bizon v0.1.0-dev)

      USAGE bizon run|validate|source|destination|stream|secrets|serve|config

      COMMANDS

                run    Run a pipeline
           validate    Check a pipeline (config, references, source connection) without running it
             source    Sources
        destination    Destinations
             stream    Streams: list, reset
            secrets    Secrets: check
              serve    Serve the status page of every pipeline in a backend
             config    Pipeline config tools

      Use bizon <command> --help for more information about a command.

      "
    `)
  })
})

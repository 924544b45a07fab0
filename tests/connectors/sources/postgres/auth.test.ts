/**
 * A wrong password gives a clear error without the password, for the postgres source and destination.
 * The shared test server trusts every login, so this starts its own small cluster that checks passwords.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { chmodSync, existsSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import * as v from 'valibot'
import destinationDecl from '../../../../connectors/destinations/postgres/index.ts'
import sourceDecl from '../../../../connectors/sources/postgres/index.ts'
import { tempDir } from '../../../helpers/tmp.ts'
import { destinationContext, sourceContext } from './drive.ts'

function findBin(): string | undefined {
  if (process.env.BIZON_TEST_PG_BIN) return process.env.BIZON_TEST_PG_BIN
  const root = '/usr/lib/postgresql'
  if (!existsSync(root)) return undefined
  const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a))
  return versions.map((ver) => join(root, ver, 'bin')).find((bin) => existsSync(join(bin, 'initdb')))
}

const bin = findBin()
if (!bin)
  console.warn(
    'PostgreSQL binaries (initdb) not found: skipping the password tests. ./scripts/test installs them.',
  )
const asRoot = process.getuid?.() === 0
const as = (cmd: string[]) => (asRoot ? ['runuser', '-u', 'postgres', '--', ...cmd] : cmd)
const password = 'Right-Pass-42'
const wrong = 'wr0ng-S3cret-pw'
const dir = bin ? tempDir('bizon-pgauth-') : ''
let port = 0

async function exec(cmd: string[]): Promise<void> {
  const proc = Bun.spawn(cmd, { stdin: 'ignore', stdout: 'pipe', stderr: 'pipe' })
  const [err, code] = await Promise.all([new Response(proc.stderr).text(), proc.exited])
  if (code !== 0) throw new Error(`${cmd.join(' ')} failed: ${err}`)
}

describe.skipIf(!bin)('postgres login errors', () => {
  beforeAll(async () => {
    chmodSync(dir, 0o777)
    writeFileSync(join(dir, 'pw'), password, { mode: 0o644 })
    const probe = Bun.listen({ hostname: '127.0.0.1', port: 0, socket: { data() {} } })
    port = probe.port
    probe.stop(true)
    await exec(
      as([
        join(bin!, 'initdb'),
        '-D',
        join(dir, 'data'),
        '-U',
        'postgres',
        `--pwfile=${join(dir, 'pw')}`,
        '-A',
        'scram-sha-256',
        '-N',
      ]),
    )
    const options = `-p ${port} -c listen_addresses=127.0.0.1 -k ${dir} -c fsync=off`
    await exec(
      as([
        join(bin!, 'pg_ctl'),
        '-D',
        join(dir, 'data'),
        '-l',
        join(dir, 'log'),
        '-o',
        options,
        '-w',
        'start',
      ]),
    )
  }, 60_000)
  afterAll(async () => {
    if (existsSync(join(dir, 'data', 'postmaster.pid'))) {
      await exec(as([join(bin!, 'pg_ctl'), '-D', join(dir, 'data'), '-m', 'immediate', '-w', 'stop']))
    }
  })

  const common = { name: 'postgres', stream: 'items', sync_mode: 'full_refresh' }

  test('the source names host:port and the url key, never the password', async () => {
    const config = {
      ...v.parse(sourceDecl.config!, { url: `postgres://postgres:${wrong}@127.0.0.1:${port}/postgres` }),
      ...common,
    }
    const error = await Promise.resolve(sourceDecl.create(config as never, sourceContext('items'))).catch(
      (e) => e,
    )
    expect(error.message).toBe(
      `Source "postgres" could not connect to 127.0.0.1:${port}: password authentication failed for user "postgres". Check source.url.`,
    )
  })

  test('the destination with host/password keys names them, never the password', async () => {
    const own = v.parse(destinationDecl.config!, {
      host: '127.0.0.1',
      port,
      username: 'postgres',
      password: wrong,
    })
    const config = { ...own, buffer_size: 50, buffer_flush_timeout: 600, unnest: false }
    const error = await Promise.resolve(
      destinationDecl.create(config as never, destinationContext('t', 'full_refresh')),
    ).catch((e) => e)
    expect(error.message).toBe(
      `Destination "postgres" could not connect to 127.0.0.1:${port}: password authentication failed for user "postgres". Check destination.config.host, port, username, password and database.`,
    )
    expect(error.message).not.toContain(wrong)
  })

  test('the right password connects', async () => {
    const config = {
      ...v.parse(sourceDecl.config!, { url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres` }),
      ...common,
    }
    const source = await sourceDecl.create(config as never, sourceContext('items'))
    await expect(source.check?.()).rejects.toThrow('relation "items" does not exist')
    await source.close?.()
  })
})

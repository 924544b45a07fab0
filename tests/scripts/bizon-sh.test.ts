import { describe, expect, test } from 'bun:test'
import { copyFileSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { REPO } from '../helpers/cli.ts'
import { tempDir } from '../helpers/tmp.ts'

// bizon.sh and scripts/lib.sh copied next to a tiny main.ts that reports what bizon would receive,
// with a package.json without dependencies so the install step runs offline.
function checkout(): string {
  const root = tempDir('bizon-sh-')
  mkdirSync(join(root, 'scripts'))
  mkdirSync(join(root, 'src/cli'), { recursive: true })
  copyFileSync(join(REPO, 'bizon.sh'), join(root, 'bizon.sh'))
  copyFileSync(join(REPO, 'scripts/lib.sh'), join(root, 'scripts/lib.sh'))
  writeFileSync(join(root, 'package.json'), '{ "name": "bizon-sh-test", "private": true }\n')
  writeFileSync(
    join(root, 'src/cli/main.ts'),
    `process.on('SIGTERM', () => { console.log('got SIGTERM'); process.exit(0) })
console.log(JSON.stringify({ cwd: process.cwd(), args: process.argv.slice(2), pid: process.pid }))
if (process.argv[2] === 'wait') setInterval(() => {}, 1000)
`,
  )
  return root
}

async function bizonSh(script: string, args: string[], cwd: string) {
  const proc = Bun.spawn(['bash', script, ...args], { cwd, stdout: 'pipe', stderr: 'pipe', env: process.env })
  const [stdout, stderr, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ])
  return { code, stdout, stderr, pid: proc.pid }
}

describe('bizon.sh', () => {
  const root = checkout()
  const elsewhere = tempDir('bizon-sh-cwd-')

  test('installs missing dependencies once, logging only to stderr, and keeps the caller folder', async () => {
    const first = await bizonSh(join(root, 'bizon.sh'), ['run', 'my pipeline.yml'], elsewhere)
    expect(first.code).toBe(0)
    expect(first.stderr).toContain('installing dependencies')
    const seen = JSON.parse(first.stdout)
    expect(seen.cwd).toBe(elsewhere)
    expect(seen.args).toEqual(['run', 'my pipeline.yml'])
    expect(seen.pid).toBe(first.pid)

    const second = await bizonSh(join(root, 'bizon.sh'), ['validate'], elsewhere)
    expect(second).toMatchObject({ code: 0, stderr: '' })
  })

  test('works through a symlink from another folder', async () => {
    const link = join(elsewhere, 'bizon')
    symlinkSync(join(root, 'bizon.sh'), link)
    const result = await bizonSh(link, ['list'], elsewhere)
    expect(result).toMatchObject({ code: 0, stderr: '' })
    expect(JSON.parse(result.stdout).args).toEqual(['list'])
  })

  test('hands over with exec, so a SIGTERM reaches bizon itself', async () => {
    const proc = Bun.spawn(['bash', join(root, 'bizon.sh'), 'wait'], { cwd: elsewhere, stdout: 'pipe' })
    const reader = proc.stdout.getReader()
    const first = new TextDecoder().decode((await reader.read()).value)
    expect(JSON.parse(first).pid).toBe(proc.pid)
    proc.kill('SIGTERM')
    const rest = new TextDecoder().decode((await reader.read()).value)
    expect(rest).toBe('got SIGTERM\n')
    expect(await proc.exited).toBe(0)
  })
})

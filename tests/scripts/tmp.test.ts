import { describe, expect, test } from 'bun:test'
import { existsSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname } from 'node:path'
import { tempDir } from '../helpers/tmp.ts'

let made = ''

describe('tempDir', () => {
  made = tempDir()

  test('is a fresh empty folder under the OS temp dir', () => {
    expect(dirname(made)).toBe(tmpdir())
    expect(readdirSync(made)).toEqual([])
    expect(tempDir()).not.toBe(made)
  })
})

test('is removed when the describe that made it ends', () => {
  expect(made).not.toBe('')
  expect(existsSync(made)).toBe(false)
})

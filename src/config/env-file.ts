/** `.env` loading (decision 12): the config file's folder, then the working directory. */
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { BizonError } from '../errors.ts'

/** Loads variables into `process.env` without overriding those already set. Returns the file used. */
export function loadEnvFile(options: { envFile?: string; configFile?: string }): string | undefined {
  let file: string | undefined
  if (options.envFile) {
    file = resolve(options.envFile)
    if (!existsSync(file))
      throw new BizonError('usage', `--env-file ${options.envFile} does not exist.`, {
        hint: 'Pass the path of an existing .env file.',
      })
  } else {
    const candidates = [options.configFile && join(dirname(resolve(options.configFile)), '.env'), '.env']
    file = candidates.filter((c): c is string => !!c).find((c) => existsSync(c))
  }
  if (!file) return undefined
  for (const [key, value] of Object.entries(parseEnv(readFileSync(file, 'utf8')))) {
    if (process.env[key] === undefined) process.env[key] = value
  }
  return file
}

/** Parses `KEY=value` lines: `export ` prefix, quotes, `#` comments, `\n` escapes in double quotes. */
export function parseEnv(text: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim()
    if (!line || line.startsWith('#')) continue
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.]*)\s*=\s*(.*)$/.exec(line)
    if (!match) continue
    let value = match[2]!
    const quote = value[0]
    if ((quote === '"' || quote === "'") && value.lastIndexOf(quote) > 0) {
      value = value.slice(1, value.lastIndexOf(quote))
      if (quote === '"') value = value.replace(/\\n/g, '\n').replace(/\\"/g, '"')
    } else {
      value = value.replace(/\s+#.*$/, '')
    }
    out[match[1]!] = value
  }
  return out
}

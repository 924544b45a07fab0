/** Finds the (sub)command an argv points at, to show its usage after a usage error. */
import type { CommandDef } from 'citty'

type AnyCommand = CommandDef<any>

const resolve = async <T>(value: T | (() => T | Promise<T>)): Promise<T> =>
  typeof value === 'function' ? await (value as () => T | Promise<T>)() : value

export async function resolveUsageTarget(
  root: AnyCommand,
  argv: string[],
): Promise<[AnyCommand, AnyCommand?]> {
  let current = root
  let parent: AnyCommand | undefined
  for (const arg of argv) {
    if (arg.startsWith('-')) break
    const subs = (await resolve(current.subCommands)) as
      | Record<string, AnyCommand | (() => Promise<AnyCommand>)>
      | undefined
    const next = subs?.[arg]
    if (!next) break
    parent = current
    current = await resolve(next)
  }
  return [current, parent]
}

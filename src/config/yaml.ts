/** YAML with positions: parse a pipeline file and map config paths back to `file:line:col`. */
import { isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseDocument, visit } from 'yaml'
import { type ConfigIssue, configError } from '../errors.ts'

export interface ParsedYaml {
  value: unknown
  /** `line:col` of the node at a config path (the key itself when `key` is true); the nearest parent when absent. */
  locate(path: (string | number)[], key?: boolean): string | undefined
}

export function parseYaml(text: string, file: string): ParsedYaml {
  const lineCounter = new LineCounter()
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false })
  const position = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset)
    return `${line}:${col}`
  }
  if (doc.errors.length > 0) {
    const issues: ConfigIssue[] = doc.errors.map((error) => ({
      path: '(yaml)',
      location: position(error.pos[0]),
      message: yamlMessage(error.message),
      hint:
        error.code === 'DUPLICATE_KEY' ? 'Remove one of the two keys.' : 'Fix the YAML syntax at this line.',
    }))
    throw configError(file, issues)
  }
  let value: unknown
  try {
    value = doc.toJS({ maxAliasCount: 100 })
  } catch (error) {
    // Aliases fail only here: one that names no anchor, or one that expands too much (a bomb).
    let at: number | undefined
    visit(doc, {
      Alias: (_, node) => {
        at = node.range?.[0]
        return visit.BREAK
      },
    })
    throw configError(file, [
      {
        path: '(yaml)',
        location: at === undefined ? undefined : position(at),
        message: `${yamlMessage(error instanceof Error ? error.message : String(error))}`,
        hint: 'Define the anchor (&name) before its alias (*name), and keep aliases small.',
      },
    ])
  }
  return {
    value,
    locate(path, key = false) {
      let node: unknown = doc.contents
      let found: Node | undefined = doc.contents ?? undefined
      for (const [index, segment] of path.entries()) {
        const last = index === path.length - 1
        if (isMap(node)) {
          const pair = node.items.find(
            (item) => isPair(item) && isScalar(item.key) && item.key.value === segment,
          )
          if (!pair) break
          const keyNode = pair.key as Node
          if (last && key) {
            found = keyNode
            break
          }
          node = pair.value
          found = (pair.value as Node | null) ?? keyNode
        } else if (isSeq(node) && typeof segment === 'number') {
          node = node.items[segment]
          if (!node) break
          found = node as Node
        } else break
      }
      const range = found?.range
      return range ? position(range[0]) : undefined
    },
  }
}

function yamlMessage(message: string): string {
  const line = message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')
  return /[.!?]$/.test(line) ? line : `${line}.`
}

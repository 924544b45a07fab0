/** Plain text of a Periscope textbox (a Slate-like rich text tree), links written as markdown. */

interface TextNode {
  object?: string
  type?: string
  leaves?: { text?: string }[]
  nodes?: TextNode[]
  data?: { url?: string }
}

/** Byte order marks and surrounding whitespace are noise in the stored text. */
const clean = (text: string | undefined) => (text ?? '').replaceAll('\ufeff', '').trim()

export function textboxRawText(textbox: {
  text_data?: { document?: { nodes?: TextNode[] } } | null
}): string {
  const nodes = textbox.text_data?.document?.nodes
  if (!textbox.text_data || !Array.isArray(nodes)) return ''
  const parts: string[] = []
  const visit = (list: TextNode[]) => {
    for (const node of list) {
      if (node.object === 'text') {
        for (const leaf of node.leaves ?? []) parts.push(clean(leaf.text))
      } else if (node.type === 'link' && typeof node.data?.url === 'string') {
        // A link holds a single text node: its leaves are the link text.
        const text = (node.nodes?.[0]?.leaves ?? []).map((leaf) => clean(leaf.text)).join('')
        parts.push(`[${text}](${node.data.url})`)
      } else if (Array.isArray(node.nodes)) visit(node.nodes)
    }
  }
  visit(nodes)
  return parts.join(' ')
}

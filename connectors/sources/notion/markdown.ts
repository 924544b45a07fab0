/** Notion block → markdown, the mapping of the reference §9.8 (rich text annotations, media, tables, toggles). */
import type { NotionObject } from './api.ts'

/** Rich text with its annotations: `code`, **bold**, *italic*, ~~strike~~, [links](url). */
export function richText(items: unknown): string {
  if (!Array.isArray(items)) return ''
  return items
    .map((item) => {
      let text: string = item?.plain_text ?? item?.text?.content ?? ''
      if (!text) return ''
      const a = item.annotations ?? {}
      if (a.code) text = `\`${text}\``
      if (a.bold) text = `**${text}**`
      if (a.italic) text = `*${text}*`
      if (a.strikethrough) text = `~~${text}~~`
      const href = item.href ?? item.text?.link?.url
      return href ? `[${text}](${href})` : text
    })
    .join('')
}

const HEADINGS: Record<string, string> = { heading_1: '#', heading_2: '##', heading_3: '###' }
const MEDIA = new Set(['image', 'video', 'file', 'pdf', 'audio'])
/** Blocks that only hold other blocks: their children carry the content. */
const CONTAINERS = new Set(['column_list', 'column', 'synced_block', 'table'])

export function toMarkdown(block: NotionObject): string {
  const type = String(block['type'])
  const value: NotionObject = block[type] ?? {}
  const text = richText(value['rich_text'])
  if (HEADINGS[type]) return `${HEADINGS[type]} ${text}`
  if (MEDIA.has(type)) {
    const url = value['type'] === 'external' ? value['external']?.url : value['file']?.url
    const caption = richText(value['caption'])
    return type === 'image'
      ? `![${caption}](${url ?? ''})`
      : `[${caption || value['name'] || type}](${url ?? ''})`
  }
  if (CONTAINERS.has(type)) return ''
  switch (type) {
    case 'paragraph':
      return text
    case 'bulleted_list_item':
      return `- ${text}`
    case 'numbered_list_item':
      return `1. ${text}`
    case 'to_do':
      return `- [${value['checked'] ? 'x' : ' '}] ${text}`
    case 'quote':
      return `> ${text}`
    case 'callout': {
      const emoji = value['icon']?.emoji
      return `> ${emoji ? `${emoji} ` : ''}${text}`
    }
    case 'code':
      return `\`\`\`${value['language'] ?? ''}\n${text}\n\`\`\``
    case 'equation':
      return `$$${value['expression'] ?? ''}$$`
    case 'divider':
      return '---'
    case 'toggle':
      return `<details><summary>${text}</summary></details>`
    case 'bookmark':
    case 'embed':
    case 'link_preview': {
      const url = value['url'] ?? ''
      return `[${richText(value['caption']) || url}](${url})`
    }
    case 'table_row':
      return `| ${(value['cells'] ?? []).map(richText).join(' | ')} |`
    case 'child_page':
      return `[Child page: ${value['title'] ?? ''}]`
    case 'child_database':
      return `[Child database: ${value['title'] ?? ''}]`
    default:
      return `[Unsupported block type: ${type}]`
  }
}

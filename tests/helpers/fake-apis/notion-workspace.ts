/** The content of the fake Notion: users, databases with data sources, pages and block trees. */

export type NotionObject = Record<string, any>

export interface Workspace {
  users: NotionObject[]
  databases: Map<string, NotionObject>
  dataSources: Map<string, NotionObject>
  pages: Map<string, NotionObject>
  /** Page or block id → its child blocks (absent = 404, like a synced block whose original is not shared). */
  children: Map<string, NotionObject[]>
  pagesOf(dataSourceId: string): NotionObject[]
}

export const at = (hour: number) => new Date(Date.UTC(2024, 0, 1) + hour * 3_600_000).toISOString()
const rt = (text: string, annotations: Record<string, boolean> = {}, href: string | null = null) => ({
  type: 'text',
  text: { content: text, link: href ? { url: href } : null },
  annotations: {
    bold: false,
    italic: false,
    strikethrough: false,
    underline: false,
    code: false,
    color: 'default',
    ...annotations,
  },
  plain_text: text,
  href,
})

let blockCount = 0
function block(
  type: string,
  value: NotionObject,
  children?: NotionObject[],
): NotionObject & { kids?: NotionObject[] } {
  const id = `blk-${++blockCount}`
  return {
    object: 'block',
    id,
    created_time: at(0),
    last_edited_time: at(1),
    has_children: !!children?.length || type === 'child_page' || type === 'synced_block',
    archived: false,
    in_trash: false,
    type,
    [type]: value,
    ...(children && { kids: children }),
  }
}
const para = (text: string, children?: NotionObject[]) =>
  block('paragraph', { rich_text: [rt(text)] }, children)

export function makeWorkspace(): Workspace {
  blockCount = 0
  const ws: Workspace = {
    users: [
      ...Array.from({ length: 5 }, (_, i) => ({
        object: 'user',
        id: `user-${i + 1}`,
        type: 'person',
        name: `User ${i + 1}`,
        avatar_url: null,
        person: { email: `user${i + 1}@example.com` },
      })),
      { object: 'user', id: 'bot-1', type: 'bot', name: 'bizon', bot: {} },
    ],
    databases: new Map(),
    dataSources: new Map(),
    pages: new Map(),
    children: new Map(),
    pagesOf: (dsId) => [...ws.pages.values()].filter((p) => p['parent']?.data_source_id === dsId),
  }
  let hour = 10
  const database = (id: string, title: string, sources: [string, string, number][]) => {
    ws.databases.set(id, {
      object: 'database',
      id,
      title: [rt(title)],
      created_time: at(0),
      last_edited_time: at(2),
      parent: { type: 'workspace', workspace: true },
      data_sources: sources.map(([dsId, name]) => ({ id: dsId, name })),
    })
    for (const [dsId, name, n] of sources) {
      ws.dataSources.set(dsId, {
        object: 'data_source',
        id: dsId,
        title: [rt(name)],
        parent: { type: 'database_id', database_id: id },
        created_time: at(0),
        last_edited_time: at(2),
      })
      for (let i = 1; i <= n; i++) {
        const pageId = `${dsId.replace('ds-', '')}-${i}`
        addPage(
          pageId,
          { type: 'data_source_id', data_source_id: dsId, database_id: id },
          i % 2 ? 'Done' : 'Todo',
          [
            para(`Body of ${pageId}`),
            block('to_do', { rich_text: [rt(`Check ${pageId}`)], checked: i % 2 === 1 }),
          ],
        )
        ws.dataSources.get(dsId)!['last_edited_time'] = ws.pages.get(pageId)!['last_edited_time']
      }
    }
  }
  const addPage = (id: string, parent: NotionObject, status: string, blocks: NotionObject[]) => {
    ws.pages.set(id, {
      object: 'page',
      id,
      created_time: at(0),
      last_edited_time: at(hour++),
      archived: false,
      in_trash: false,
      parent,
      properties: {
        Name: { id: 'title', type: 'title', title: [rt(id)] },
        Status: { id: 'st', type: 'select', select: { name: status } },
      },
      url: `https://www.notion.so/${id}`,
    })
    setChildren(id, blocks)
  }
  const setChildren = (parentId: string, blocks: NotionObject[]) => {
    ws.children.set(parentId, blocks)
    for (const b of blocks) {
      b['parent'] = {
        type: parentId.startsWith('blk-') ? 'block_id' : 'page_id',
        [parentId.startsWith('blk-') ? 'block_id' : 'page_id']: parentId,
      }
      if (b['kids']) setChildren(b['id'], b['kids'])
      delete b['kids']
    }
  }

  database('db-tasks', 'Tasks', [
    ['ds-tasks', 'Tasks', 7],
    ['ds-archive', 'Archive', 3],
  ])
  database('db-notes', 'Notes', [['ds-notes', 'Notes', 4]])
  database('db-inline', 'Inline', [['ds-inline', 'Inline', 2]])

  const home: NotionObject[] = [
    block('heading_1', { rich_text: [rt('Home')] }),
    block('paragraph', {
      rich_text: [
        rt('Hello '),
        rt('world', { bold: true }),
        rt(' see '),
        rt('docs', {}, 'https://example.com/docs'),
        rt(' and '),
        rt('x', { code: true }),
      ],
    }),
    block('bulleted_list_item', { rich_text: [rt('Level 1')] }, [
      para('Level 2', [para('Level 3', [para('Level 4')])]),
    ]),
    block('child_database', { title: 'Inline' }),
    block('child_page', { title: 'About' }),
    block('synced_block', { synced_from: { type: 'block_id', block_id: 'blk-original-not-shared' } }),
    block('code', { rich_text: [rt('const a = 1')], language: 'typescript' }),
    block('callout', { rich_text: [rt('Tip')], icon: { type: 'emoji', emoji: '💡' } }),
    block('image', { type: 'external', external: { url: 'https://example.com/a.png' }, caption: [rt('A')] }),
    block('table', { table_width: 2 }, [
      block('table_row', { cells: [[rt('a')], [rt('b')]] }),
      block('table_row', { cells: [[rt('1')], [rt('2', { italic: true })]] }),
    ]),
    block('breadcrumb', {}),
  ]
  // The inline database block's id is the database id, as in Notion.
  home[3]!['id'] = 'db-inline'
  home[4]!['id'] = 'page-about'
  addPage('page-home', { type: 'workspace', workspace: true }, 'Done', home)
  addPage('page-about', { type: 'page_id', page_id: 'page-home' }, 'Todo', [
    para('About us'),
    block('numbered_list_item', { rich_text: [rt('One')] }),
  ])
  ws.children.delete(home[5]!['id']) // the synced block's children answer 404
  return ws
}

/** Source `pokeapi`: Pokémon, berries and items from the public PokeAPI (reference §9.13). */
import { apiEntries } from '../../../src/http/config.ts'
import { defineSource, v } from '../../../src/index.ts'

const d = v.description

export const PokeApiConfig = v.object({
  page_size: v.pipe(
    v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(1000))),
    d('Records per request (`?limit=`); default the API default (20).'),
  ),
  ...apiEntries({
    baseUrl: 'https://pokeapi.co/api/v2',
    baseUrlText:
      'API root; the stream name is appended (`<base_url>/pokemon`). Change it only to use a mirror.',
    rateLimit: 10,
    rateLimitText: 'Most requests per second. PokeAPI has no hard limit but asks for fair use.',
  }),
})
export type PokeApiConfig = v.InferOutput<typeof PokeApiConfig>

export default defineSource({
  name: 'pokeapi',
  summary: 'Pokémon, berries and items (name and URL) from the public PokeAPI; no authentication.',
  streams: {
    pokemon: { description: 'Every Pokémon: `{name, url}`.' },
    berry: { description: 'Every berry: `{name, url}`.' },
    item: { description: 'Every item: `{name, url}`.' },
  },
  config: PokeApiConfig,
  docs: [
    'Full refresh only. `GET <base_url>/<stream>` lists `{name, url}` records; the id is the name.',
    'Pages follow the `next` URL of each answer, kept as the pagination `{next}`, so a killed run',
    'resumes at the same page. The total (progress and ETA) is the `count` of the first answer.',
    '',
    'Requests are spaced by `rate_limit`; 429, 5xx and network errors are retried with backoff,',
    'honouring `Retry-After`. A page without a `results` list fails the run with a clear error.',
    '',
    'Tested against a local server implementing the documented endpoints, not the live API.',
  ].join('\n'),
  async create(config, ctx) {
    const { createPokeApiSource } = await import('./source.ts')
    return createPokeApiSource(config, ctx)
  },
})

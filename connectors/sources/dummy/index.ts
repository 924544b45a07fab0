/** `dummy`: the reference's fake creatures/plants API, for tests and demos (no network). */
import { defineSource, v } from '../../../src/index.ts'

const TokenParams = v.strictObject({
  token: v.pipe(v.string(), v.description('API token (never logged).')),
  auth_method: v.pipe(v.optional(v.string(), 'Bearer'), v.description('Scheme before the token.')),
  auth_header: v.pipe(v.optional(v.string(), 'Authorization'), v.description('Header carrying the token.')),
})

export const DummyConfig = v.object({
  sleep: v.pipe(
    v.optional(v.pipe(v.number(), v.minValue(0)), 0),
    v.description('Seconds to wait before each fake API call (fractions allowed), to simulate a slow API.'),
  ),
  authentication: v.pipe(
    v.optional(
      v.strictObject({
        type: v.pipe(v.picklist(['api_key', 'oauth']), v.description('Authentication type.')),
        params: v.pipe(TokenParams, v.description('Token parameters: token, auth_method, auth_header.')),
      }),
    ),
    v.description(
      'Fake authentication, accepted and never sent anywhere: {type: api_key|oauth, params: {token}}.',
    ),
  ),
})
export type DummyConfig = v.InferOutput<typeof DummyConfig>

export default defineSource({
  name: 'dummy',
  summary: 'A fake API with two streams of five records in three pages, for tests and demos.',
  streams: {
    creatures: { stream: true, description: 'Five animals: bizon, croco, froggy, turtle, poulpo.' },
    plants: { stream: true, description: 'Five plants: tree, flower, cactus, bamboo, rose.' },
  },
  config: DummyConfig,
  docs: [
    'Pages follow a cursor: `{}` → page 1, any cursor → page 2, `final-cursor` → page 3 (last).',
    'In `sync_mode: stream` records of page 2 are routed to destination id `routed`, the others to',
    'the stream name.',
  ].join('\n'),
  async create(config, ctx) {
    const { createDummySource } = await import('./source.ts')
    return createDummySource(config, ctx)
  },
})

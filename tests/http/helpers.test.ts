import { expect, test } from 'bun:test'
import {
  backoffDelay,
  parseLinkHeader,
  parseRetryAfter,
  RateLimiter,
  redactUrl,
} from '../../src/http/index.ts'

test('Retry-After: delta seconds and HTTP dates', () => {
  const now = Date.parse('Wed, 21 Oct 2015 07:28:00 GMT')
  expect(parseRetryAfter('120', now)).toBe(120_000)
  expect(parseRetryAfter('0', now)).toBe(0)
  expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:07 GMT', now)).toBe(7000)
  expect(parseRetryAfter('Wed, 21 Oct 2015 07:27:00 GMT', now)).toBe(0) // in the past: go now
  expect(parseRetryAfter('soon', now)).toBeUndefined()
  expect(parseRetryAfter(null, now)).toBeUndefined()
})

test('full jitter stays under the doubling ceiling, capped at max', () => {
  const options = { maxAttempts: 10, baseMs: 100, maxMs: 1000 }
  expect(backoffDelay(1, options, () => 0.999)).toBe(99)
  expect(backoffDelay(3, options, () => 0.999)).toBe(399)
  expect(backoffDelay(8, options, () => 0.999)).toBe(999)
  expect(backoffDelay(8, options, () => 0)).toBe(0)
})

test('Link header: next among several relations, quoted or not', () => {
  const header =
    '<https://api.x/items?page=3>; rel="next", <https://api.x/items?page=1>; rel=first, <https://a/?p=9>; rel="last prev"'
  expect(parseLinkHeader(header)).toEqual({
    next: 'https://api.x/items?page=3',
    first: 'https://api.x/items?page=1',
    last: 'https://a/?p=9',
    prev: 'https://a/?p=9',
  })
  expect(parseLinkHeader(null)).toEqual({})
})

test('URLs shown in messages lose credentials and secret-looking query values', () => {
  expect(redactUrl('https://bob:hunter22@api.x/v1/items?page=2&api_key=abc&access_token=t&limit=5')).toBe(
    'https://api.x/v1/items?page=2&api_key=***&access_token=***&limit=5',
  )
  expect(redactUrl('https://api.x/cb?state=1&code=xyz', ['api.x'])).toBe('https://***/cb?state=1&code=***')
})

test('rate limiter hands out evenly spaced slots', async () => {
  const limiter = new RateLimiter(50)
  const started = performance.now()
  const times: number[] = []
  await Promise.all(
    Array.from({ length: 5 }, async () => {
      await limiter.acquire()
      times.push(performance.now() - started)
    }),
  )
  expect(times[0]).toBeLessThan(15)
  expect(times[4]).toBeGreaterThanOrEqual(75) // 4 gaps of 20 ms
  expect(() => new RateLimiter(0)).toThrow(
    'rate limit must be a positive number of requests per second, got 0',
  )
})

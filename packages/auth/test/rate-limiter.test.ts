import { isS3verlessError } from '@s3verless/core'
import { describe, expect, it } from 'vitest'
import { AUTH_ERRORS, DEFAULT_RATE_LIMITS, memoryRateLimitStore, RateLimit, RateLimiter } from '../src/index.js'

const from = (remoteAddress: string) => ({ headers: new Headers(), remoteAddress })

function clock(start = Date.UTC(2026, 0, 1, 12)) {
  let at = start
  return {
    now: () => at,
    advance(ms: number) {
      at += ms
    },
  }
}

describe('RateLimiter', () => {
  it('has per-endpoint defaults and takes overrides', () => {
    expect(Object.keys(DEFAULT_RATE_LIMITS)).toEqual(['login', 'register', 'refresh', 'passwordReset', 'default'])
    const limiter = new RateLimiter({ limits: { login: new RateLimit(3, 60), upload: new RateLimit(2, 10) } })
    expect(limiter.limitFor('login')).toEqual(new RateLimit(3, 60))
    expect(limiter.limitFor('register')).toBe(DEFAULT_RATE_LIMITS.register)
    expect(limiter.limitFor('upload')).toEqual(new RateLimit(2, 10))
    expect(limiter.limitFor('nope')).toBe(DEFAULT_RATE_LIMITS.default)
    expect(limiter.limitFor('toString')).toBe(DEFAULT_RATE_LIMITS.default)
    expect(() => new RateLimit(0, 60)).toThrow(/count must be a positive integer/)
    expect(() => new RateLimiter({ limits: { login: { count: 1, windowSeconds: 1 } as RateLimit } })).toThrow(/must be a RateLimit/)
  })

  it("defaults to the Python original's limits: login 5/min then 5 minutes out, register 3/h, refresh 10/min", () => {
    expect(DEFAULT_RATE_LIMITS.login).toEqual(new RateLimit(5, 60, 300))
    expect(DEFAULT_RATE_LIMITS.register).toEqual(new RateLimit(3, 3600))
    expect(DEFAULT_RATE_LIMITS.refresh).toEqual(new RateLimit(10, 60))
    expect(DEFAULT_RATE_LIMITS.passwordReset).toEqual(new RateLimit(3, 3600))
    expect(DEFAULT_RATE_LIMITS.default).toEqual(new RateLimit(100, 60))
  })

  it('resetAll forgets every client and endpoint, blocks included; a store without clear() is refused clearly', async () => {
    const time = clock()
    const limiter = new RateLimiter({ now: time.now })
    for (let i = 0; i < 6; i++) await limiter.isRateLimited(from('203.0.113.9'), 'login')
    for (let i = 0; i < 11; i++) await limiter.isRateLimited(from('198.51.100.7'), 'refresh')
    expect((await limiter.isRateLimited(from('203.0.113.9'), 'login'))[1]).toMatchObject({ blocked: true })
    expect((await limiter.isRateLimited(from('198.51.100.7'), 'refresh'))[0]).toBe(true)
    await limiter.resetAll()
    expect((await limiter.isRateLimited(from('203.0.113.9'), 'login'))[1]).toMatchObject({ blocked: false, remaining: 4 })
    expect((await limiter.isRateLimited(from('198.51.100.7'), 'refresh'))[1]).toMatchObject({ remaining: 9 })
    const { clear: _clear, ...withoutClear } = memoryRateLimitStore()
    const plain = new RateLimiter({ store: withoutClear })
    await expect(plain.resetAll()).rejects.toThrow(/resetAll needs a RateLimitStore with clear\(\)/)
  })

  it('allows `count` requests per window, then refuses with Retry-After until the window ends', async () => {
    const time = clock()
    const limiter = new RateLimiter({ limits: { login: new RateLimit(3, 60) }, now: time.now })
    const results = []
    for (let i = 0; i < 4; i++) results.push(await limiter.isRateLimited(from('203.0.113.9'), 'login'))
    expect(results.map(([limited, info]) => [limited, info.remaining])).toEqual([
      [false, 2],
      [false, 1],
      [false, 0],
      [true, 0],
    ])
    const [, info] = results[3]!
    expect(info).toMatchObject({ endpoint: 'login', client: '203.0.113.9', limit: 3, windowSeconds: 60, reset: 60, retryAfter: 60 })
    expect(limiter.getRateLimitHeaders(info)).toEqual({
      'RateLimit-Limit': '3',
      'RateLimit-Remaining': '0',
      'RateLimit-Reset': '60',
      'RateLimit-Policy': '3;w=60',
      'Retry-After': '60',
    })
    expect(limiter.getRateLimitHeaders(results[0]![1])).not.toHaveProperty('Retry-After')
    // another client and another endpoint are counted apart
    expect((await limiter.isRateLimited(from('198.51.100.7'), 'login'))[0]).toBe(false)
    expect((await limiter.isRateLimited(from('203.0.113.9'), 'register'))[0]).toBe(false)
    time.advance(60_000)
    expect(await limiter.isRateLimited(from('203.0.113.9'), 'login')).toEqual([false, expect.objectContaining({ remaining: 2 })])
  })

  it('blocks for blockSeconds after an excess, without counting refused requests', async () => {
    const time = clock()
    const limiter = new RateLimiter({ limits: { login: new RateLimit(2, 60, 300) }, now: time.now })
    await limiter.isRateLimited(from('203.0.113.9'), 'login')
    await limiter.isRateLimited(from('203.0.113.9'), 'login')
    expect(await limiter.isRateLimited(from('203.0.113.9'), 'login')).toEqual([true, expect.objectContaining({ retryAfter: 300 })])
    time.advance(120_000) // a new window, but still blocked
    const [limited, info] = await limiter.isRateLimited(from('203.0.113.9'), 'login')
    expect([limited, info.blocked, info.retryAfter]).toEqual([true, true, 180])
    expect(limiter.getRateLimitHeaders(info)['Retry-After']).toBe('180')
    time.advance(180_000)
    expect((await limiter.isRateLimited(from('203.0.113.9'), 'login'))[0]).toBe(false)
  })

  it('spoofing the left-most X-Forwarded-For entry does not escape the limit', async () => {
    const limiter = new RateLimiter({ limits: { login: new RateLimit(2, 60) }, trustXForwardedFor: true, trustedProxies: ['10.0.0.1'] })
    const spoofed = (i: number) => ({ headers: { 'X-Forwarded-For': `100.64.0.${i}, 203.0.113.9` }, remoteAddress: '10.0.0.1' })
    const outcomes = []
    for (let i = 0; i < 5; i++) outcomes.push((await limiter.isRateLimited(spoofed(i), 'login'))[0])
    expect(outcomes).toEqual([false, false, true, true, true])
  })

  it('enforce throws auth.rateLimited with the headers to send', async () => {
    const limiter = new RateLimiter({ limits: { register: new RateLimit(1, 3600) } })
    expect(await limiter.enforce(from('203.0.113.9'), 'register')).toMatchObject({ remaining: 0 })
    const error = await limiter.enforce(from('203.0.113.9'), 'register').catch((e) => e)
    expect(isS3verlessError(error, 'auth.rateLimited')).toBe(true)
    expect(AUTH_ERRORS[error.code as 'auth.rateLimited'].status).toBe(429)
    expect(error.details.headers).toMatchObject({ 'RateLimit-Limit': '1', 'Retry-After': expect.stringMatching(/^\d+$/) })
  })

  it('reset forgets a client’s count and block (e.g. after a successful login)', async () => {
    const limiter = new RateLimiter({ limits: { login: new RateLimit(1, 60, 300) } })
    await limiter.isRateLimited(from('203.0.113.9'), 'login')
    expect((await limiter.isRateLimited(from('203.0.113.9'), 'login'))[0]).toBe(true)
    await limiter.reset(from('203.0.113.9'), 'login')
    expect((await limiter.isRateLimited(from('203.0.113.9'), 'login'))[0]).toBe(false)
  })

  it('instances sharing one store share their limits', async () => {
    const store = memoryRateLimitStore()
    const limits = { login: new RateLimit(4, 60) }
    const [a, b] = [new RateLimiter({ limits, store }), new RateLimiter({ limits, store })]
    const seen = []
    for (let i = 0; i < 6; i++) seen.push((await (i % 2 ? a : b).isRateLimited(from('203.0.113.9'), 'login'))[0])
    expect(seen).toEqual([false, false, false, false, true, true])
  })

  it('keeps memory bounded: old windows are dropped, and the size is capped under many clients', async () => {
    const time = clock()
    const store = memoryRateLimitStore({ maxKeys: 1000, now: time.now })
    const limiter = new RateLimiter({ store, now: time.now, limits: { default: new RateLimit(5, 1) } })
    for (let i = 0; i < 5000; i++) {
      await limiter.isRateLimited(from(`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`))
      if (i % 100 === 0) time.advance(1000)
    }
    expect(store.size).toBeLessThanOrEqual(1000)
    time.advance(2000)
    for (let i = 0; i < 1000; i++) await limiter.isRateLimited(from('203.0.113.9'))
    expect(store.size).toBeLessThanOrEqual(1000)
    expect(store.size).toBeLessThan(200) // the sweep dropped every expired window
  })
})

import { AuthError } from '../errors.js'
import { type ClientAddressOptions, ClientAddressResolver, type RateLimitRequest } from './client-address.js'
import { DEFAULT_RATE_LIMITS, RateLimit } from './rate-limit.js'
import { memoryRateLimitStore, type RateLimitStore } from './rate-limit-store.js'

/** Options of {@link RateLimiter}. */
export interface RateLimiterOptions extends ClientAddressOptions {
  /** Limits by endpoint name, over {@link DEFAULT_RATE_LIMITS} (`login`, `register`, `refresh`, `passwordReset`, `default`). */
  limits?: Readonly<Record<string, RateLimit>>
  /** Where counters live (default {@link memoryRateLimitStore}, per instance). Share one to share limits. */
  store?: RateLimitStore
  /** Clock in ms (default `Date.now`); the default store uses it too. */
  now?: () => number
}

/** The state of one client at one endpoint, as `isRateLimited` found it. */
export interface RateLimitInfo {
  endpoint: string
  /** The client address counted (IPv6 as its network). */
  client: string
  limit: number
  windowSeconds: number
  /** Requests left in this window. */
  remaining: number
  /** Seconds until the window resets. */
  reset: number
  /** Seconds to wait before trying again; only when limited. */
  retryAfter?: number
  /** Refused because of an earlier excess (`blockSeconds`), not this window's count. */
  blocked: boolean
}

/**
 * Per-endpoint rate limiting by client address, with fixed windows (at a window boundary a client
 * can briefly make up to twice the limit), an optional block after an excess, and the standard
 * `RateLimit-*` headers.
 * @example
 * const limiter = new RateLimiter({ limits: { login: new RateLimit(10, 60) }, trustedProxies: ['10.0.0.0/8'], trustXForwardedFor: true })
 * const [limited, info] = await limiter.isRateLimited({ headers: req.headers, remoteAddress }, 'login')
 * if (limited) return new Response('Too many requests', { status: 429, headers: limiter.getRateLimitHeaders(info) })
 */
export class RateLimiter {
  readonly limits: Readonly<Record<string, RateLimit>>
  private readonly store: RateLimitStore
  private readonly addresses: ClientAddressResolver
  private readonly now: () => number

  /** @throws AuthError `auth.invalidOptions` for a limit that is not a `RateLimit` or a malformed proxy. */
  constructor(options: RateLimiterOptions = {}) {
    for (const [name, limit] of Object.entries(options.limits ?? {})) {
      if (!(limit instanceof RateLimit)) throw new AuthError('auth.invalidOptions', `limits.${name} must be a RateLimit`)
    }
    this.limits = Object.freeze({ ...DEFAULT_RATE_LIMITS, ...options.limits })
    this.now = options.now ?? Date.now
    this.store = options.store ?? memoryRateLimitStore({ now: this.now })
    this.addresses = new ClientAddressResolver(options)
  }

  /** The limit applied to an endpoint (`default` for unknown names). */
  limitFor(endpoint = 'default'): RateLimit {
    return (Object.hasOwn(this.limits, endpoint) ? this.limits[endpoint] : this.limits.default) as RateLimit
  }

  /** The address a request is counted under. */
  clientAddress(request: RateLimitRequest): string {
    return this.addresses.resolve(request)
  }

  /**
   * Counts a request and says whether it is over its endpoint's limit: `[limited, info]`. Requests
   * refused while blocked are not counted.
   */
  async isRateLimited(request: RateLimitRequest, endpoint = 'default'): Promise<[limited: boolean, info: RateLimitInfo]> {
    const name = Object.hasOwn(this.limits, endpoint) ? endpoint : 'default'
    const limit = this.limitFor(name)
    const client = this.clientAddress(request)
    const base = `${name}|${client}`
    const now = this.now()
    const windowMs = limit.windowSeconds * 1000
    const windowEnd = (Math.floor(now / windowMs) + 1) * windowMs
    const info = (remaining: number, extra: Partial<RateLimitInfo> = {}): RateLimitInfo => ({
      endpoint: name,
      client,
      limit: limit.count,
      windowSeconds: limit.windowSeconds,
      remaining,
      reset: Math.max(1, Math.ceil((windowEnd - now) / 1000)),
      blocked: false,
      ...extra,
    })
    if (limit.blockSeconds > 0) {
      const blockedFor = await this.store.blockedFor(`${base}|block`)
      if (blockedFor !== null && blockedFor > 0) return [true, info(0, { blocked: true, retryAfter: Math.ceil(blockedFor / 1000) })]
    }
    const count = await this.store.increment(`${base}|${Math.floor(now / windowMs)}`, windowEnd - now)
    if (count <= limit.count) return [false, info(limit.count - count)]
    if (limit.blockSeconds > 0) {
      await this.store.block(`${base}|block`, limit.blockSeconds * 1000)
      return [true, info(0, { retryAfter: Math.ceil(limit.blockSeconds) })]
    }
    return [true, info(0, { retryAfter: Math.max(1, Math.ceil((windowEnd - now) / 1000)) })]
  }

  /**
   * Like {@link isRateLimited}, for middleware: returns the info when the request may go on, and
   * throws when it is limited.
   * @throws AuthError `auth.rateLimited` (HTTP 429), with `details.info` and `details.headers` (`Retry-After` included).
   * @example
   * app.post('/login', async (c) => {
   *   const info = await limiter.enforce({ headers: c.req.raw.headers, remoteAddress: getConnInfo(c).remote.address }, 'login')
   *   c.header('RateLimit-Remaining', String(info.remaining))
   * })
   */
  async enforce(request: RateLimitRequest, endpoint = 'default'): Promise<RateLimitInfo> {
    const [limited, info] = await this.isRateLimited(request, endpoint)
    if (!limited) return info
    throw new AuthError('auth.rateLimited', `Too many requests to ${info.endpoint}; retry in ${info.retryAfter} s`, {
      details: { info, headers: this.getRateLimitHeaders(info) },
    })
  }

  /** Forgets a client's count and block at an endpoint (e.g. after a successful login). */
  async reset(request: RateLimitRequest, endpoint = 'default'): Promise<void> {
    const name = Object.hasOwn(this.limits, endpoint) ? endpoint : 'default'
    const windowMs = this.limitFor(name).windowSeconds * 1000
    const base = `${name}|${this.clientAddress(request)}`
    await Promise.all([this.store.delete(`${base}|${Math.floor(this.now() / windowMs)}`), this.store.delete(`${base}|block`)])
  }

  /**
   * Forgets every client's counts and blocks at every endpoint (tests, or lifting a lockout after an
   * incident). @throws AuthError `auth.invalidOptions` when the store cannot clear (a `RateLimitStore` without `clear`).
   */
  async resetAll(): Promise<void> {
    if (!this.store.clear) {
      throw new AuthError('auth.invalidOptions', 'resetAll needs a RateLimitStore with clear(); this store has none')
    }
    await this.store.clear()
  }

  /**
   * Response headers for a rate-limit answer: `RateLimit-Limit`, `RateLimit-Remaining`,
   * `RateLimit-Reset` (seconds), `RateLimit-Policy`, and `Retry-After` (seconds) when limited.
   */
  getRateLimitHeaders(info: RateLimitInfo): Record<string, string> {
    const headers: Record<string, string> = {
      'RateLimit-Limit': String(info.limit),
      'RateLimit-Remaining': String(info.remaining),
      'RateLimit-Reset': String(info.retryAfter ?? info.reset),
      'RateLimit-Policy': `${info.limit};w=${info.windowSeconds}`,
    }
    if (info.retryAfter !== undefined) headers['Retry-After'] = String(info.retryAfter)
    return headers
  }
}

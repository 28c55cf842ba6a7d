import { AuthError } from '../errors.js'

/**
 * A limit: at most `count` requests per `windowSeconds` from one client to one endpoint; with
 * `blockSeconds`, a client that goes over is refused for that long (the spec's `RateLimit`).
 * @example
 * new RateLimit(10, 60)        // 10 per minute
 * new RateLimit(5, 60, 900)    // 5 per minute, then 15 minutes out
 */
export class RateLimit {
  /** @throws AuthError `auth.invalidOptions` for a non-positive count or window, or a negative block. */
  constructor(
    readonly count: number,
    readonly windowSeconds: number,
    readonly blockSeconds: number = 0,
  ) {
    if (!Number.isInteger(count) || count < 1)
      throw new AuthError('auth.invalidOptions', `RateLimit count must be a positive integer, got ${count}`)
    if (!Number.isFinite(windowSeconds) || windowSeconds <= 0) {
      throw new AuthError('auth.invalidOptions', `RateLimit windowSeconds must be positive, got ${windowSeconds}`)
    }
    if (!Number.isFinite(blockSeconds) || blockSeconds < 0) {
      throw new AuthError('auth.invalidOptions', `RateLimit blockSeconds must be 0 or more, got ${blockSeconds}`)
    }
  }
}

/** Endpoints with a default limit; any other name may be configured too. */
export type RateLimitEndpoint = 'login' | 'register' | 'refresh' | 'passwordReset' | 'default'

/**
 * Default limits, the Python original's: login 5/min then 5 minutes blocked; register 3/hour;
 * refresh 10/min; password reset 3/hour; everything else 100/min.
 */
export const DEFAULT_RATE_LIMITS: Readonly<Record<RateLimitEndpoint, RateLimit>> = Object.freeze({
  login: new RateLimit(5, 60, 300),
  register: new RateLimit(3, 3600),
  refresh: new RateLimit(10, 60),
  passwordReset: new RateLimit(3, 3600),
  default: new RateLimit(100, 60),
})

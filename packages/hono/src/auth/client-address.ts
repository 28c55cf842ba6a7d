import type { Context } from 'hono'

/** Finds the connecting peer's address of a request, for rate limits. */
export type ClientAddressOf = (c: Context) => string | undefined

/**
 * The default: the socket address `@hono/node-server` passes in `c.env.incoming`, else
 * `undefined` (on edge runtimes pass `clientAddress`, e.g. from `cf-connecting-ip`, or let the
 * rate limiter trust `X-Forwarded-For` from known proxies). Uses no Node built-in.
 */
export const defaultClientAddress: ClientAddressOf = (c) => {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined
  return env?.incoming?.socket?.remoteAddress
}

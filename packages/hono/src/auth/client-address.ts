import { ClientAddressResolver } from '@s3verless/auth'
import { SettingsError } from '@s3verless/core'
import type { Context } from 'hono'

/** Finds the connecting client's address of a request, for rate limits and session records. */
export type ClientAddressOf = (c: Context) => string | undefined

/** Node (`@hono/node-server`): the socket's remote address, which `serve` passes in `c.env.incoming`. */
export const nodeClientAddress: ClientAddressOf = (c) => {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined
  return env?.incoming?.socket?.remoteAddress || undefined
}

interface LambdaRequestContext {
  identity?: { sourceIp?: string }
  http?: { sourceIp?: string }
  elb?: unknown
}

/**
 * AWS Lambda (`handle` of `hono/aws-lambda`): the address API Gateway saw, from the event's
 * request context (`identity.sourceIp` of REST APIs, `http.sourceIp` of HTTP APIs and function
 * URLs); behind an ALB, the last `X-Forwarded-For` hop, which the ALB itself appends.
 */
export const lambdaClientAddress: ClientAddressOf = (c) => {
  const context = (c.env as { requestContext?: LambdaRequestContext } | undefined)?.requestContext
  if (!context || typeof context !== 'object') return undefined
  const address = context.identity?.sourceIp ?? context.http?.sourceIp
  if (address) return address
  if (context.elb === undefined) return undefined
  return (c.req.header('x-forwarded-for') ?? '').split(',').at(-1)?.trim() || undefined
}

/**
 * Cloudflare Workers: the `cf-connecting-ip` header, which Cloudflare's edge sets on every request
 * (a client cannot choose it there). Use it only when the app is served by Cloudflare: on any other
 * runtime a client can send this header with any address.
 */
export const cloudflareClientAddress: ClientAddressOf = (c) => c.req.header('cf-connecting-ip')?.trim() || undefined

/**
 * The default: the runtime's own connection info, Node's socket address or Lambda's request
 * context; `undefined` elsewhere (on Cloudflare pass {@link cloudflareClientAddress}, on other
 * runtimes a function reading theirs). Uses no Node built-in.
 */
export const defaultClientAddress: ClientAddressOf = (c) => nodeClientAddress(c) ?? lambdaClientAddress(c)

/**
 * The client behind trusted proxies: when the connecting peer (found by `peer`) is one of
 * `trustedProxies` (addresses or CIDR networks), the right-most `X-Forwarded-For` hop that is not a
 * trusted proxy (hops to its left were written by the client and prove nothing); from any other peer
 * the header is ignored and the peer is the client.
 * @throws AuthError `auth.invalidOptions` naming a malformed proxy address.
 */
export function behindTrustedProxies(peer: ClientAddressOf, trustedProxies: readonly string[]): ClientAddressOf {
  const resolver = new ClientAddressResolver({ trustXForwardedFor: true, trustedProxies, ipv6PrefixLength: 128 })
  return (c) => {
    const address = peer(c)
    if (!address || !resolver.isTrusted(address)) return address
    return resolver.resolve({ headers: c.req.raw.headers, remoteAddress: address })
  }
}

/**
 * Rate limits need every client's own address: without one, every client would share one counter
 * (a stranger's failed logins would lock everyone out). This refuses such a request with a settings
 * error (500, logged through `onServerError`) instead.
 * @throws SettingsError `settings.invalid` when `address` finds none.
 */
export function requireClientAddress(address: ClientAddressOf): ClientAddressOf {
  return (c) => {
    const found = address(c)
    if (found) return found
    throw new SettingsError(
      'Rate limiting needs the client address, and this request has none: on Cloudflare pass clientAddress: cloudflareClientAddress, ' +
        'on other runtimes a clientAddress function reading their connection info (or rateLimiter: false to turn rate limits off)',
      { details: { variables: ['clientAddress'] } },
    )
  }
}

/** True where the default address source can work: Node (including Lambda's Node runtime). */
export const runtimeHasConnectionInfo = (): boolean =>
  typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node === 'string'

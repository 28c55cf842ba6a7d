import { AuthError } from '../errors.js'
import { formatIp, type IpNetwork, inNetwork, maskIp, parseIp, parseNetwork } from './ip-address.js'

/**
 * The least a rate-limited request must offer: its headers, and the address of the peer that
 * connected (the socket's remote address). A fetch `Request` fits (without the address); from Hono:
 * `{ headers: c.req.raw.headers, remoteAddress: getConnInfo(c).remote.address }`.
 */
export interface RateLimitRequest {
  headers: Headers | Readonly<Record<string, string | readonly string[] | undefined>>
  remoteAddress?: string | null | undefined
}

/** How the client's address is found. */
export interface ClientAddressOptions {
  /** Read `X-Forwarded-For` (default false: use the connecting peer's address). */
  trustXForwardedFor?: boolean
  /** Proxies in front of the app: addresses or CIDR networks, IPv4 or IPv6 (`10.0.0.0/8`, `fd00::/8`). */
  trustedProxies?: readonly string[]
  /** IPv6 clients are counted per network of this prefix length (default 64: one customer's usual share). */
  ipv6PrefixLength?: number
}

function header(headers: RateLimitRequest['headers'], name: string): string | undefined {
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined
  for (const [key, value] of Object.entries(headers as Record<string, string | readonly string[] | undefined>)) {
    if (key.toLowerCase() !== name || value === undefined) continue
    return typeof value === 'string' ? value : value.join(',')
  }
  return undefined
}

/**
 * Finds the client address of requests. Without trusted forwarding it is the connecting peer.
 * With `trustXForwardedFor`, it is the right-most `X-Forwarded-For` address that is not one of the
 * `trustedProxies`: entries to its left were written by the client and may be anything, so spoofing
 * them gains nothing. When proxies are listed and the peer is known but is not one of them, the
 * header is ignored (the request did not come through a proxy of ours).
 */
export class ClientAddressResolver {
  private readonly networks: IpNetwork[]
  private readonly trustForwarded: boolean
  private readonly ipv6PrefixLength: number

  /** @throws AuthError `auth.invalidOptions` naming a malformed proxy address or prefix length. */
  constructor(options: ClientAddressOptions = {}) {
    this.trustForwarded = options.trustXForwardedFor ?? false
    this.ipv6PrefixLength = options.ipv6PrefixLength ?? 64
    if (!Number.isInteger(this.ipv6PrefixLength) || this.ipv6PrefixLength < 1 || this.ipv6PrefixLength > 128) {
      throw new AuthError('auth.invalidOptions', `ipv6PrefixLength must be an integer from 1 to 128, got ${this.ipv6PrefixLength}`)
    }
    this.networks = (options.trustedProxies ?? []).map((entry) => {
      const network = parseNetwork(entry)
      if (!network)
        throw new AuthError('auth.invalidOptions', `trustedProxies: ${JSON.stringify(entry)} is not an IP address or CIDR network`)
      return network
    })
  }

  /** Whether an address is one of the trusted proxies. */
  isTrusted(address: string): boolean {
    const ip = parseIp(address)
    return ip !== undefined && this.networks.some((n) => inNetwork(ip, n))
  }

  /** The client's address, canonical (IPv6 masked to its network), or `'unknown'`. */
  resolve(request: RateLimitRequest): string {
    const peer = request.remoteAddress ? request.remoteAddress.trim() : undefined
    if (!this.trustForwarded) return this.key(peer)
    if (peer && this.networks.length > 0 && !this.isTrusted(peer)) return this.key(peer)
    const hops = (header(request.headers, 'x-forwarded-for') ?? '')
      .split(',')
      .map((h) => h.trim())
      .filter((h) => h !== '')
    for (let i = hops.length - 1; i >= 0; i--) if (!this.isTrusted(hops[i]!)) return this.key(hops[i])
    return this.key(hops[0] ?? peer)
  }

  private key(address: string | undefined): string {
    if (!address) return 'unknown'
    const ip = parseIp(address)
    if (!ip) return address.slice(0, 100)
    return (
      formatIp(ip.version === 6 ? maskIp(ip, this.ipv6PrefixLength) : ip) +
      (ip.version === 6 && this.ipv6PrefixLength < 128 ? `/${this.ipv6PrefixLength}` : '')
    )
  }
}

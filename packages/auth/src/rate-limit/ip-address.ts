/** An IP address as bytes (4 for IPv4, 16 for IPv6). */
export interface IpAddress {
  version: 4 | 6
  bytes: Uint8Array
}

function parseV4(text: string): Uint8Array | undefined {
  const parts = text.split('.')
  if (parts.length !== 4) return undefined
  const bytes = new Uint8Array(4)
  for (let i = 0; i < 4; i++) {
    const part = parts[i]!
    if (!/^\d{1,3}$/.test(part) || (part.length > 1 && part.startsWith('0'))) return undefined
    const n = Number(part)
    if (n > 255) return undefined
    bytes[i] = n
  }
  return bytes
}

function parseV6(text: string): Uint8Array | undefined {
  let head = text
  let tail: Uint8Array | undefined
  const lastColon = head.lastIndexOf(':')
  if (head.slice(lastColon + 1).includes('.')) {
    tail = parseV4(head.slice(lastColon + 1))
    if (!tail) return undefined
    head = `${head.slice(0, lastColon + 1)}0:0`
  }
  const halves = head.split('::')
  if (halves.length > 2) return undefined
  const groups = (s: string) => (s === '' ? [] : s.split(':'))
  const left = groups(halves[0]!)
  const right = halves.length === 2 ? groups(halves[1]!) : []
  const missing = 8 - left.length - right.length
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined
  const all = [...left, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...right]
  const bytes = new Uint8Array(16)
  for (let i = 0; i < 8; i++) {
    const group = all[i]!
    if (!/^[0-9a-fA-F]{1,4}$/.test(group)) return undefined
    const n = Number.parseInt(group, 16)
    bytes[i * 2] = n >> 8
    bytes[i * 2 + 1] = n & 0xff
  }
  if (tail) bytes.set(tail, 12)
  return bytes
}

const isV4Mapped = (b: Uint8Array) => b.slice(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff

/**
 * Parses an IP address as found in a socket or an `X-Forwarded-For` entry: IPv4, IPv6 (with `::`,
 * an embedded IPv4 tail or a `%zone`), bracketed `[v6]:port` or `v4:port`. An IPv4-mapped IPv6
 * address (`::ffff:1.2.3.4`) is read as the IPv4 one. `undefined` when it is none of these.
 */
export function parseIp(input: string): IpAddress | undefined {
  let text = input.trim()
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(text)
  if (bracketed) text = bracketed[1]!
  else if (/^[\d.]+:\d+$/.test(text)) text = text.slice(0, text.lastIndexOf(':'))
  text = text.replace(/%[\w.-]+$/, '')
  const v4 = parseV4(text)
  if (v4) return { version: 4, bytes: v4 }
  if (!text.includes(':')) return undefined
  const v6 = parseV6(text)
  if (!v6) return undefined
  return isV4Mapped(v6) ? { version: 4, bytes: v6.slice(12) } : { version: 6, bytes: v6 }
}

/** The canonical text of an address (IPv6 lower case, longest zero run compressed). */
export function formatIp(ip: IpAddress): string {
  if (ip.version === 4) return Array.from(ip.bytes).join('.')
  const groups: number[] = []
  for (let i = 0; i < 16; i += 2) groups.push((ip.bytes[i]! << 8) | ip.bytes[i + 1]!)
  let best = { start: -1, length: 0 }
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++
      continue
    }
    let j = i
    while (j < 8 && groups[j] === 0) j++
    if (j - i > best.length && j - i > 1) best = { start: i, length: j - i }
    i = j
  }
  const hex = groups.map((g) => g.toString(16))
  if (best.start < 0) return hex.join(':')
  return `${hex.slice(0, best.start).join(':')}::${hex.slice(best.start + best.length).join(':')}`
}

/** The first `prefixLength` bits of an address, the rest zeroed. */
export function maskIp(ip: IpAddress, prefixLength: number): IpAddress {
  const bytes = new Uint8Array(ip.bytes.length)
  for (let i = 0; i < bytes.length; i++) {
    const bits = Math.max(0, Math.min(8, prefixLength - i * 8))
    bytes[i] = ip.bytes[i]! & ((0xff << (8 - bits)) & 0xff)
  }
  return { version: ip.version, bytes }
}

/** A network: an address and a prefix length (`10.0.0.0/8`, `2001:db8::/32`, or one address). */
export interface IpNetwork {
  ip: IpAddress
  prefixLength: number
}

/** Parses `a.b.c.d`, `a.b.c.d/n`, an IPv6 address or `v6/n`; `undefined` when malformed. */
export function parseNetwork(text: string): IpNetwork | undefined {
  const [address, prefix, extra] = text.trim().split('/')
  if (extra !== undefined || address === undefined) return undefined
  const ip = parseIp(address)
  if (!ip) return undefined
  const max = ip.version === 4 ? 32 : 128
  if (prefix === undefined) return { ip, prefixLength: max }
  if (!/^\d{1,3}$/.test(prefix) || Number(prefix) > max) return undefined
  // A v4-mapped v6 network (`::ffff:10.0.0.0/104`) is the v4 network it maps.
  const length = ip.version === 4 && address.includes(':') ? Number(prefix) - 96 : Number(prefix)
  if (length < 0) return undefined
  return { ip: maskIp(ip, length), prefixLength: length }
}

/** Whether an address lies in a network. */
export function inNetwork(ip: IpAddress, network: IpNetwork): boolean {
  if (ip.version !== network.ip.version) return false
  const masked = maskIp(ip, network.prefixLength)
  return masked.bytes.every((b, i) => b === network.ip.bytes[i])
}

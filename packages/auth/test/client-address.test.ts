import { describe, expect, it } from 'vitest'
import { RateLimiter } from '../src/index.js'
import { formatIp, inNetwork, parseIp, parseNetwork } from '../src/rate-limit/ip-address.js'

describe('IP addresses', () => {
  it('parses IPv4, IPv6, ports, brackets, zones and IPv4-mapped IPv6', () => {
    const canonical = (s: string) => {
      const ip = parseIp(s)
      return ip && formatIp(ip)
    }
    expect(canonical('203.0.113.9')).toBe('203.0.113.9')
    expect(canonical(' 203.0.113.9:443 ')).toBe('203.0.113.9')
    expect(canonical('::ffff:203.0.113.9')).toBe('203.0.113.9')
    expect(canonical('2001:DB8:0:0:0:0:0:1')).toBe('2001:db8::1')
    expect(canonical('[2001:db8::1]:8080')).toBe('2001:db8::1')
    expect(canonical('fe80::1%eth0')).toBe('fe80::1')
    expect(canonical('::')).toBe('::')
    expect(canonical('1::2:0:0:3')).toBe('1::2:0:0:3')
    for (const bad of ['', 'unknown', '256.1.1.1', '01.2.3.4', '1.2.3', '1:2:3:4:5:6:7:8:9', '1::2::3', 'g::1']) {
      expect(parseIp(bad)).toBeUndefined()
    }
  })

  it('matches CIDR networks, IPv4 and IPv6', () => {
    const net = parseNetwork('10.0.0.0/8')!
    expect(inNetwork(parseIp('10.200.3.4')!, net)).toBe(true)
    expect(inNetwork(parseIp('11.0.0.1')!, net)).toBe(false)
    expect(inNetwork(parseIp('::ffff:10.1.1.1')!, net)).toBe(true)
    expect(inNetwork(parseIp('172.16.5.5')!, parseNetwork('172.16.0.0/12')!)).toBe(true)
    expect(inNetwork(parseIp('172.32.0.1')!, parseNetwork('172.16.0.0/12')!)).toBe(false)
    expect(inNetwork(parseIp('2001:db8:1::5')!, parseNetwork('2001:db8::/32')!)).toBe(true)
    expect(inNetwork(parseIp('2001:db9::5')!, parseNetwork('2001:db8::/32')!)).toBe(false)
    expect(inNetwork(parseIp('10.0.0.1')!, parseNetwork('10.0.0.1')!)).toBe(true)
    expect(inNetwork(parseIp('10.0.0.2')!, parseNetwork('10.0.0.1')!)).toBe(false)
    for (const bad of ['10.0.0.0/33', '10.0.0.0/x', 'nope/8', '10.0.0.0/8/1']) expect(parseNetwork(bad)).toBeUndefined()
  })
})

describe('client address', () => {
  const request = (remoteAddress: string | undefined, forwardedFor?: string) => ({
    headers: new Headers(forwardedFor === undefined ? {} : { 'X-Forwarded-For': forwardedFor }),
    remoteAddress,
  })

  it('is the connecting peer unless forwarded headers are trusted', () => {
    const limiter = new RateLimiter()
    expect(limiter.clientAddress(request('198.51.100.7', '1.1.1.1'))).toBe('198.51.100.7')
    expect(limiter.clientAddress(request(undefined))).toBe('unknown')
  })

  it('with trusted proxies: the right-most X-Forwarded-For address that is not a proxy, so a spoofed left entry gains nothing', () => {
    const limiter = new RateLimiter({ trustXForwardedFor: true, trustedProxies: ['10.0.0.0/8', '192.0.2.1'] })
    // client 203.0.113.9 -> proxy 192.0.2.1 -> proxy 10.0.0.5 -> app
    expect(limiter.clientAddress(request('10.0.0.5', '203.0.113.9, 192.0.2.1'))).toBe('203.0.113.9')
    // the client wrote its own X-Forwarded-For: its left entries are ignored
    expect(limiter.clientAddress(request('10.0.0.5', '6.6.6.6, 7.7.7.7, 203.0.113.9, 192.0.2.1'))).toBe('203.0.113.9')
    // a request that did not come through a trusted proxy: the header is ignored
    expect(limiter.clientAddress(request('198.51.100.7', '6.6.6.6'))).toBe('198.51.100.7')
    // every hop trusted: the left-most one
    expect(limiter.clientAddress(request('10.0.0.5', '10.1.1.1, 10.0.0.9'))).toBe('10.1.1.1')
    // no header from a trusted proxy: the proxy itself
    expect(limiter.clientAddress(request('10.0.0.5'))).toBe('10.0.0.5')
  })

  it('trusting X-Forwarded-For without a proxy list takes its right-most entry (the one the proxy appended)', () => {
    const limiter = new RateLimiter({ trustXForwardedFor: true })
    expect(limiter.clientAddress(request('10.0.0.5', '6.6.6.6, 203.0.113.9'))).toBe('203.0.113.9')
    expect(limiter.clientAddress({ headers: { 'x-forwarded-for': ['6.6.6.6', '203.0.113.9:5123'] } })).toBe('203.0.113.9')
  })

  it('counts IPv6 clients per /64 by default', () => {
    const limiter = new RateLimiter()
    expect(limiter.clientAddress(request('2001:db8:1:2:aaaa::1'))).toBe('2001:db8:1:2::/64')
    expect(limiter.clientAddress(request('2001:db8:1:2:bbbb::9'))).toBe('2001:db8:1:2::/64')
    expect(new RateLimiter({ ipv6PrefixLength: 128 }).clientAddress(request('2001:db8::1'))).toBe('2001:db8::1')
  })

  it('refuses a malformed proxy entry', () => {
    expect(() => new RateLimiter({ trustedProxies: ['10.0.0.0/40'] })).toThrow(/"10.0.0.0\/40" is not an IP address or CIDR network/)
  })
})

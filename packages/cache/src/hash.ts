const encoder = new TextEncoder()

/** The murmur3 finaliser: every input bit affects every output bit. */
const avalanche = (h: number): number => {
  let x = h
  x ^= x >>> 16
  x = Math.imul(x, 0x85ebca6b)
  x ^= x >>> 13
  x = Math.imul(x, 0xc2b2ae35)
  x ^= x >>> 16
  return x >>> 0
}

const hex8 = (n: number): string => n.toString(16).padStart(8, '0')

/**
 * A deterministic, non-cryptographic 64-bit hash of a string's UTF-8 bytes, as 16 hex digits.
 * Two independent 32-bit lanes (an FNV-1a lane and a multiply–xorshift lane with a different seed
 * and multiplier) are cross-mixed and finalised. Needs no `node:crypto`, so it runs on edge
 * runtimes. Not for security: anyone can construct collisions on purpose.
 */
export const hash64 = (text: string): string => {
  const bytes = encoder.encode(text)
  let a = 0x811c9dc5
  let b = 0x9e3779b9
  for (const byte of bytes) {
    a = Math.imul(a ^ byte, 0x01000193)
    b = Math.imul(b ^ byte, 0x5bd1e995)
    b ^= b >>> 15
  }
  a ^= bytes.length
  b ^= Math.imul(bytes.length, 0x27d4eb2f)
  const high = avalanche(a ^ Math.imul(b, 0x165667b1))
  const low = avalanche(b ^ Math.imul(high, 0x9e3779b1))
  return hex8(high) + hex8(low)
}

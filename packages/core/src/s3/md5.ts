/**
 * MD5 (RFC 1321), for the `Content-MD5` header S3 demands on DeleteObjects (Web Crypto has no MD5).
 * Written here rather than taken from `@noble/hashes/legacy`: that module brings its hashing
 * framework along (~4 KiB minified against ~1 KiB), which kept the S3 edge handler over its budget.
 * Not for anything secret: MD5 is broken as a cryptographic hash; S3 uses it as a checksum only.
 */

/** Per-round left-rotation amounts. */
const S = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21]
/** K[i] = floor(|sin(i + 1)| · 2^32). */
const K = Array.from({ length: 64 }, (_, i) => Math.floor(Math.abs(Math.sin(i + 1)) * 2 ** 32) >>> 0)

/** The MD5 digest of `bytes` (16 bytes). */
export function md5(bytes: Uint8Array): Uint8Array {
  const blocks = Math.ceil((bytes.length + 9) / 64)
  const padded = new Uint8Array(blocks * 64)
  padded.set(bytes)
  padded[bytes.length] = 0x80
  const view = new DataView(padded.buffer)
  const bits = bytes.length * 8
  view.setUint32(padded.length - 8, bits >>> 0, true)
  view.setUint32(padded.length - 4, Math.floor(bits / 2 ** 32), true)
  const h = new Uint32Array([0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476])
  const m = new Uint32Array(16)
  for (let block = 0; block < blocks; block++) {
    for (let i = 0; i < 16; i++) m[i] = view.getUint32(block * 64 + i * 4, true)
    let [a, b, c, d] = h as unknown as [number, number, number, number]
    for (let i = 0; i < 64; i++) {
      const round = i >> 4
      const f = round === 0 ? (b & c) | (~b & d) : round === 1 ? (d & b) | (~d & c) : round === 2 ? b ^ c ^ d : c ^ (b | ~d)
      const g = round === 0 ? i : round === 1 ? (5 * i + 1) % 16 : round === 2 ? (3 * i + 5) % 16 : (7 * i) % 16
      const sum = (a + f + (K[i] as number) + (m[g] as number)) >>> 0
      const shift = S[round * 4 + (i % 4)] as number
      a = d
      d = c
      c = b
      b = (b + ((sum << shift) | (sum >>> (32 - shift)))) >>> 0
    }
    h.set([(h[0] as number) + a, (h[1] as number) + b, (h[2] as number) + c, (h[3] as number) + d])
  }
  // MD5's digest is the state words little-endian, which is how a Uint32Array lies in memory on
  // every JavaScript engine in use; DataView makes it explicit rather than assumed.
  const out = new DataView(new ArrayBuffer(16))
  for (let i = 0; i < 4; i++) out.setUint32(i * 4, h[i] as number, true)
  return new Uint8Array(out.buffer)
}

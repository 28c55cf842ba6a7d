/**
 * Compares two strings by their UTF-8 bytes, which is the order S3 lists keys in.
 * JavaScript's `<` compares UTF-16 code units, which differs for characters above U+FFFF
 * (their surrogates sort below U+E000–U+FFFF). UTF-8 byte order equals code point order,
 * so each code unit is moved to where its code point belongs before comparing.
 */
export function compareUtf8(a: string, b: string): number {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i)
    const y = b.charCodeAt(i)
    if (x !== y) return rank(x) - rank(y)
  }
  return a.length - b.length
}

/** Maps a UTF-16 code unit so that surrogates (code points ≥ U+10000) sort above the rest of the BMP. */
function rank(unit: number): number {
  if (unit >= 0xe000) return unit - 0x800
  if (unit >= 0xd800) return unit + 0x2000
  return unit
}

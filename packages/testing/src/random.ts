// A seeded PRNG on its own subpath (`@s3verless/testing/random`): test workers that esbuild bundles
// take it without the main entry's faker.

/** A source of floats in [0, 1), the shape of `Math.random`. */
export type Rng = () => number

/**
 * A small seeded pseudo-random generator (mulberry32: 32 bits of state, fast, not cryptographic).
 * The same seed gives the same sequence on every runtime, so a randomized test or schedule can be
 * replayed from its seed. Only the low 32 bits of `seed` count (`seed >>> 0`).
 * @example
 * const rng = mulberry32(42)
 * const roll = rng() // a float in [0, 1), the same for seed 42 everywhere
 */
export function mulberry32(seed: number): Rng {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

import { mulberry32 } from '@s3verless/testing/random'

/** Seeded random choices (mulberry32): the same seed gives the same schedule of choices. */
export interface Random {
  /** A float in [0, 1). */
  next(): number
  /** An integer in [0, n). */
  int(n: number): number
  /** True with probability `p`. */
  chance(p: number): boolean
  /** One item of a non-empty list. */
  pick<T>(items: readonly T[]): T
  /** Waits 0 to `max` turns of the event loop (`setImmediate`), so concurrent work interleaves differently per seed. */
  yields(max: number): Promise<void>
}

export function random(seed: number): Random {
  const next = mulberry32(seed)
  const int = (n: number) => Math.floor(next() * n)
  return {
    next,
    int,
    chance: (p) => next() < p,
    pick: (items) => items[int(items.length)] as (typeof items)[number],
    yields: async (max) => {
      for (let i = int(max + 1); i > 0; i--) await new Promise<void>((r) => setImmediate(r))
    },
  }
}

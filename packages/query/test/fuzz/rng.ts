import { mulberry32 } from '@s3verless/testing/random'

/** Seeded random choices (mulberry32): the same seed gives the same run everywhere. */
export class Rng {
  readonly #next: () => number

  constructor(seed: number) {
    this.#next = mulberry32(seed)
  }

  /** A float in [0, 1). */
  next(): number {
    return this.#next()
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n)
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list')
    return items[this.int(items.length)] as T
  }

  /** A random subset, each item kept with probability `p`. */
  subset<T>(items: readonly T[], p: number): T[] {
    return items.filter(() => this.chance(p))
  }

  /** A lowercase random UUID (version 4). */
  uuid(): string {
    const hex = Array.from({ length: 32 }, () => this.int(16).toString(16)).join('')
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${'89ab'[this.int(4)]}${hex.slice(17, 20)}-${hex.slice(20)}`
  }

  /** A lowercase UUIDv7 carrying `ms` as its time (any time: a caller may choose one far from now). */
  uuidv7At(ms: number): string {
    const time = Math.max(0, Math.min(ms, 2 ** 48 - 1))
      .toString(16)
      .padStart(12, '0')
    const rest = Array.from({ length: 19 }, () => this.int(16).toString(16)).join('')
    return `${time.slice(0, 8)}-${time.slice(8)}-7${rest.slice(0, 3)}-${'89ab'[this.int(4)]}${rest.slice(3, 6)}-${rest.slice(7, 19)}`
  }
}

import type { Rng } from '@s3verless/testing/random'
import type { Stored } from '../../src/index.js'
import type { Product } from './world.js'

// Random schedules for the issue-17 checker: what operations exist, and how a seed picks them.

export type { Rng } from '@s3verless/testing/random'
export const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)] as T
export const between = (rng: Rng, [lo, hi]: readonly [number, number]) => lo + Math.floor(rng() * (hi - lo + 1))

/** Values the application (version 2) writes. Version-1 records hold `a`/`b` and `x`/`y`, read as `A*`/`B*`, `X`/`Y`. */
export const SKUS = ['A', 'B', 'C', 'D'] as const
export const CATEGORIES = ['X', 'Y'] as const
export const PRICES = [1, 2] as const
/** Caller-chosen ids, created, deleted and created again. */
export const CHOSEN_IDS = ['01890a5d-ac96-774b-bcce-b302099a8057', '01890a5d-ac96-774b-bcce-b302099a8058'] as const

export type ProductInput = { name: string; sku: string; price: number; category: string }
export type ProductPatch = Partial<ProductInput>

/** One operation; `target` picks a known record (initial, or created so far) when it runs. */
export type Op =
  | { kind: 'create'; input: ProductInput }
  | { kind: 'createChosen'; which: number; input: ProductInput }
  | { kind: 'createMany'; inputs: ProductInput[] }
  | { kind: 'update'; target: number; patch: ProductPatch }
  | { kind: 'updateIfMatch'; target: number; patch: ProductPatch }
  | { kind: 'increment'; target: number }
  | { kind: 'updateFn'; target: number; change: 'flipCategory' | { sku: string } }
  | { kind: 'replace'; target: number; sku: string }
  | { kind: 'touch'; target: number }
  | { kind: 'delete'; target: number }
  | { kind: 'deleteChosen'; which: number }
  | { kind: 'findAllBy'; value: string }
  | { kind: 'findBy'; sku: string }
  | { kind: 'verifyRepair' }
  | { kind: 'deleteShelf'; which: 1 | 2 }
  | { kind: 'deleteBook'; which: number }
  | { kind: 'deleteReview'; which: number }
  | { kind: 'moveBook'; which: number }
  | { kind: 'moveNote'; which: number }
  | { kind: 'createBook' }
  | { kind: 'createReview' }
  | { kind: 'createNote' }
  | { kind: 'verifyShelves' }

/** An operation with when and by whom it runs, and its tag (the unique `name`/`title` a write stores). */
export type Timed = Op & { at: number; client: number; n: number; tag: string }

const input = (rng: Rng, tag: string, sku = pick(rng, SKUS)): ProductInput => ({
  name: tag,
  sku,
  category: pick(rng, CATEGORIES),
  price: pick(rng, PRICES),
})

function randomPatch(rng: Rng, tag: string): ProductPatch {
  const patch: ProductPatch = { name: tag }
  if (rng() < 0.5) patch.sku = pick(rng, SKUS)
  if (rng() < 0.5) patch.category = pick(rng, CATEGORIES)
  if (rng() < 0.3) patch.price = pick(rng, PRICES)
  return patch
}

/**
 * Picks one operation. `initial`: how many products exist before the schedule (increments aim at
 * them only). `hot`: every product write aims at the first product (a hot record, as a counter is).
 */
export function randomOp(rng: Rng, initial: number, tag: string, hot = false): Op {
  const target = hot ? 0 : Math.floor(rng() * (initial + 1))
  const roll = rng() * 30
  if (roll < 2) return { kind: 'create', input: input(rng, tag) }
  if (roll < 3) return { kind: 'createChosen', which: Math.floor(rng() * CHOSEN_IDS.length), input: input(rng, tag) }
  if (roll < 4) {
    const [first, second] = [...SKUS].sort(() => rng() - 0.5)
    return { kind: 'createMany', inputs: [input(rng, `${tag}.0`, first), input(rng, `${tag}.1`, second)] }
  }
  if (roll < 7) return { kind: 'update', target, patch: randomPatch(rng, tag) }
  if (roll < 8) return { kind: 'updateIfMatch', target, patch: randomPatch(rng, tag) }
  if (roll < 11) return { kind: 'increment', target: hot ? 0 : Math.floor(rng() * initial) }
  if (roll < 12) return { kind: 'updateFn', target, change: rng() < 0.5 ? 'flipCategory' : { sku: pick(rng, SKUS) } }
  if (roll < 13) return { kind: 'replace', target, sku: pick(rng, SKUS) }
  if (roll < 15) return { kind: 'touch', target }
  if (roll < 16) return { kind: 'delete', target }
  if (roll < 17) return { kind: 'deleteChosen', which: Math.floor(rng() * CHOSEN_IDS.length) }
  if (roll < 18) return { kind: 'findAllBy', value: pick(rng, CATEGORIES) }
  if (roll < 19) return { kind: 'findBy', sku: pick(rng, SKUS) }
  if (roll < 20) return { kind: 'verifyRepair' }
  if (roll < 22) return { kind: 'deleteShelf', which: rng() < 0.5 ? 1 : 2 }
  if (roll < 23) return { kind: 'deleteBook', which: Math.floor(rng() * 3) }
  if (roll < 24) return { kind: 'deleteReview', which: Math.floor(rng() * 3) }
  if (roll < 25) return { kind: 'moveBook', which: Math.floor(rng() * 3) }
  if (roll < 26) return { kind: 'moveNote', which: Math.floor(rng() * 2) }
  if (roll < 27) return { kind: 'createBook' }
  if (roll < 28) return { kind: 'createReview' }
  if (roll < 29) return { kind: 'createNote' }
  return { kind: 'verifyShelves' }
}

/** A record's fields for a replace: everything as read, with a new name and sku. */
export const replacement = (current: Stored<Record<string, unknown>> | Record<string, unknown>, tag: string, sku: string) => ({
  name: tag,
  sku,
  price: current.price as number,
  category: current.category as string,
  stock: current.stock as number,
})

export type ProductRecord = Stored<ReturnType<typeof Product.schema.parse> & { id: string }>

/** Replaces each UUID by #n (n in order of first appearance) and drops the base path, for readable traces. */
export function shortenIds(lines: string[]): string[] {
  const ids = new Map<string, string>()
  const short = (id: string) => {
    if (!ids.has(id)) ids.set(id, `#${ids.size}`)
    return ids.get(id) as string
  }
  return lines.map((l) => l.replaceAll(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, short))
}

export const describeOp = (op: Timed) => {
  const { at, client, kind, n, tag, ...args } = op
  return `#${n} @${at}ms client${client} ${kind} ${JSON.stringify(args)}`
}

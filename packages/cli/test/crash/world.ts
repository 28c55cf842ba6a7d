import { belongsTo, defineModel, hasMany } from '@s3verless/core'
import * as z from 'zod'

// The models of the crash and fault suites (issue 22), also what `doctor --models` is given: accounts
// with a unique handle (few handles, so creates collide) and an indexed tier, counters shared by every
// worker, and shelves whose books go with them (cascade). Every write stores its own `tag`, so what a
// record holds tells which call wrote it.

export const Account = defineModel(z.object({ handle: z.string(), tier: z.string(), tag: z.string() }), {
  name: 'Account',
  unique: ['handle'],
  indexed: ['tier'],
})

export const Counter = defineModel(z.object({ name: z.string(), count: z.number().int(), tag: z.string() }), {
  name: 'Counter',
  unique: ['name'],
})

export const Shelf = defineModel(z.object({ name: z.string(), tag: z.string() }), {
  name: 'Shelf',
  plural: 'shelves',
  relations: { books: hasMany('Book', { foreignKey: 'shelfId', onDelete: 'cascade' }) },
})

export const Book = defineModel(z.object({ title: z.string(), shelfId: z.string(), tag: z.string() }), {
  name: 'Book',
  relations: { shelf: belongsTo('Shelf', { foreignKey: 'shelfId' }) },
})

export const MODELS = [Account, Counter, Shelf, Book]

/** The unique handles creates and replaces pick from: few, so that they collide often. */
export const HANDLES = ['h0', 'h1', 'h2', 'h3', 'h4', 'h5'] as const
export const TIERS = ['gold', 'silver', 'bronze'] as const
/** The shared counters, created before the workers start. */
export const COUNTERS = ['c0', 'c1', 'c2'] as const

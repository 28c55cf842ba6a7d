import { z } from 'zod'
import {
  belongsTo,
  createDatabase,
  defineModel,
  hasMany,
  type InstrumentedStore,
  instrumentStore,
  type ObjectStore,
  type Repository,
} from '../../src/index.js'
import { type Listener, tapped } from '../repository/race-fixtures.js'

// The world the randomized checker of issue 17 runs in: products written first by version 1 of the
// model and read by version 2 (a lazy upgrade that changes a unique and an indexed value), and a
// relation tree: shelves → books (cascade) → reviews (restrict), shelves → notes (setNull).

const productShape = {
  name: z.string().min(1),
  sku: z.string(),
  price: z.number().nonnegative(),
  category: z.string(),
  stock: z.number().int().default(0),
}

/** Version 1 of the product model: lower-case skus and categories. */
export const ProductV1 = defineModel(z.object(productShape), { name: 'Product', unique: ['sku'], indexed: ['category', 'price'] })

/** What the version-2 upgrade does: skus gain a `*` and categories are upper-cased (injective: no two records collide). */
export const upgradeProduct = (r: Record<string, unknown>) => ({
  ...r,
  sku: `${String(r.sku).toUpperCase()}*`,
  category: String(r.category).toUpperCase(),
})

/** Version 2, which the application runs: records stored at version 1 are upgraded when read. */
export const Product = defineModel(z.object(productShape), {
  name: 'Product',
  unique: ['sku'],
  indexed: ['category', 'price'],
  version: 2,
  upgrades: { 2: upgradeProduct },
})

export const Shelf = defineModel(z.object({ name: z.string() }), {
  name: 'Shelf',
  relations: {
    books: hasMany('Book', { foreignKey: 'shelfId', onDelete: 'cascade' }),
    notes: hasMany('Note', { foreignKey: 'shelfId', onDelete: 'setNull' }),
  },
})
export const Book = defineModel(z.object({ title: z.string(), shelfId: z.string() }), {
  name: 'Book',
  relations: {
    shelf: belongsTo('Shelf', { foreignKey: 'shelfId' }),
    reviews: hasMany('Review', { foreignKey: 'bookId', onDelete: 'restrict' }),
  },
})
export const Review = defineModel(z.object({ text: z.string(), bookId: z.string() }), {
  name: 'Review',
  relations: { book: belongsTo('Book', { foreignKey: 'bookId' }) },
})
export const Note = defineModel(z.object({ text: z.string(), shelfId: z.string().nullable() }), {
  name: 'Note',
  relations: { shelf: belongsTo('Shelf', { foreignKey: 'shelfId' }) },
})

export const MODELS = [Product, Shelf, Book, Review, Note]

/** One client of the shared bucket (think: one process), with its own view of the store to disturb. */
export interface Client {
  store: InstrumentedStore
  products: Repository<typeof Product>
  shelves: Repository<typeof Shelf>
  books: Repository<typeof Book>
  reviews: Repository<typeof Review>
  notes: Repository<typeof Note>
}

export type { Listener } from '../repository/race-fixtures.js'

/** A client of `shared` (lease `leaseMs`, namespace `basePath`); `listen` hears of every request the store performed. */
export function clientOf(shared: ObjectStore, options: { leaseMs: number; basePath?: string; listen?: Listener }): Client {
  const store = instrumentStore(options.listen ? tapped(shared, options.listen) : shared)
  const db = createDatabase({
    store,
    models: MODELS,
    leaseMs: options.leaseMs,
    ...(options.basePath !== undefined ? { basePath: options.basePath } : {}),
  })
  return {
    store,
    products: db.repository(Product),
    shelves: db.repository(Shelf),
    books: db.repository(Book),
    reviews: db.repository(Review),
    notes: db.repository(Note),
  }
}

/** The version-1 product repository (what wrote the oldest records). */
export function legacyProducts(shared: ObjectStore, options: { leaseMs: number; basePath?: string }) {
  return createDatabase({
    store: shared,
    models: [ProductV1],
    leaseMs: options.leaseMs,
    ...(options.basePath !== undefined ? { basePath: options.basePath } : {}),
  }).repository(ProductV1)
}

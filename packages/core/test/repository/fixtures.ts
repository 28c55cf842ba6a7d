import * as z from 'zod'
import { belongsTo, createDatabase, defineModel, hasMany, instrumentStore, memoryStore } from '../../src/index.js'

export const Product = defineModel(
  z.object({
    name: z.string().min(1),
    sku: z.string(),
    price: z.number().nonnegative(),
    category: z.string(),
    releasedAt: z.date().optional(),
    stock: z.number().int().default(0),
  }),
  { name: 'Product', unique: ['sku'], indexed: ['category', 'price'] },
)

export const Author = defineModel(z.object({ name: z.string(), email: z.string().email() }), {
  name: 'Author',
  unique: ['email'],
  relations: { books: hasMany('Book', { foreignKey: 'authorId', onDelete: 'cascade' }) },
})

export const Book = defineModel(z.object({ title: z.string(), authorId: z.string().nullable() }), {
  name: 'Book',
  relations: { author: belongsTo('Author', { foreignKey: 'authorId' }) },
})

/** A fresh database on an instrumented memory store (counts requests). */
export function setup(options: { leaseMs?: number; now?: () => number; conditionalDelete?: boolean } = {}) {
  // Like Ceph RGW, a store may ignore conditional DELETE: the repository then deletes through a tombstone.
  const memory = memoryStore({
    ...(options.now ? { now: options.now } : {}),
    ...(options.conditionalDelete === false ? { conditionalDelete: false } : {}),
  })
  const store = instrumentStore(memory)
  const db = createDatabase({
    store,
    models: [Product, Author, Book],
    ...(options.leaseMs !== undefined ? { leaseMs: options.leaseMs } : {}),
  })
  return { memory, store, db, products: db.repository(Product), authors: db.repository(Author), books: db.repository(Book) }
}

export const lamp = (over: Partial<{ name: string; sku: string; price: number; category: string }> = {}) => ({
  name: 'Lamp',
  sku: 'L-1',
  price: 30,
  category: 'home',
  ...over,
})

import { createDatabase, defineModel, instrumentStore, memoryStore } from '@s3verless/core'
import { z } from 'zod'

const shape = {
  name: z.string(),
  sku: z.string(),
  price: z.number().nullable(),
  category: z.string().nullable().optional(),
  releasedAt: z.date().nullable(),
  tags: z.array(z.string()).default([]),
}

/** The same schema with indexes (planned over them) and without (every query is a scan). */
export const Indexed = defineModel(z.object(shape), {
  name: 'Item',
  plural: 'items',
  unique: ['sku'],
  indexed: ['price', 'category', 'releasedAt', 'name'],
  indexedDescending: ['price', 'createdAt'],
})
export const Plain = defineModel(z.object(shape), { name: 'PlainItem', plural: 'plain-items' })

export const DATA = [
  { name: 'Lamp', sku: 'a', price: 30, category: 'home', releasedAt: new Date('2024-01-05T00:00:00Z'), tags: ['light'] },
  { name: 'lamp shade', sku: 'b', price: 9, category: 'home', releasedAt: new Date('2023-06-01T00:00:00Z'), tags: [] },
  { name: 'Rake', sku: 'c', price: 12.5, category: 'garden', releasedAt: null, tags: ['tool', 'outdoor'] },
  { name: 'Ünïcode 😀', sku: 'd', price: null, category: 'garden', releasedAt: new Date('2025-03-10T12:00:00Z'), tags: [] },
  { name: 'Hose', sku: 'e', price: -3, category: null, releasedAt: new Date('2024-12-31T23:59:59Z'), tags: ['outdoor'] },
  { name: 'Chair', sku: 'f', price: 0, releasedAt: null, tags: [] },
  { name: 'Desk', sku: 'g', price: 9, category: 'office', releasedAt: new Date('2024-01-05T00:00:00Z'), tags: ['wood'] },
  { name: 'lampoon', sku: 'h', price: 100, category: 'office', releasedAt: new Date('2022-02-02T00:00:00Z'), tags: [] },
]

/** Both models filled with the same data on one instrumented memory store. */
export async function fixtures() {
  const store = instrumentStore(memoryStore())
  const db = createDatabase({ store, models: [Indexed, Plain] })
  const indexed = db.repository(Indexed)
  const plain = db.repository(Plain)
  for (const item of DATA) {
    await indexed.create(item)
    await plain.create(item)
  }
  return { store, indexed, plain }
}

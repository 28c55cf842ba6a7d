import { createDatabase, defineModel, instrumentStore, memoryStore, type ObjectStore } from '@s3verless/core'
import * as z from 'zod'

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

/** Filters and the skus they must select from {@link DATA}. */
export const FILTER_CASES: [Record<string, unknown>, string[]][] = [
  [{ category: 'home' }, ['a', 'b']],
  [{ category__eq: 'garden' }, ['c', 'd']],
  [{ category: null }, ['e', 'f']],
  [{ category__ne: 'home' }, ['c', 'd', 'e', 'f', 'g', 'h']],
  [{ category__neq: 'home' }, ['c', 'd', 'e', 'f', 'g', 'h']],
  [{ price__gt: 9 }, ['a', 'c', 'h']],
  [{ price__gte: 9 }, ['a', 'b', 'c', 'g', 'h']],
  [{ price__lt: 9 }, ['e', 'f']],
  [{ price__lte: 0 }, ['e', 'f']],
  [{ price__gt: -5, price__lt: 12.5 }, ['b', 'e', 'f', 'g']],
  [{ price__in: [9, 100, 7] }, ['b', 'g', 'h']],
  [{ price__nin: [9, 100] }, ['a', 'c', 'd', 'e', 'f']],
  [{ price__not_in: [9, 100] }, ['a', 'c', 'd', 'e', 'f']],
  [{ name__contains: 'amp' }, ['a', 'b', 'h']],
  [{ name__icontains: 'LAMP' }, ['a', 'b', 'h']],
  [{ name__startswith: 'lamp' }, ['b', 'h']],
  [{ name__starts_with: 'La' }, ['a']],
  [{ name__endswith: 'e' }, ['b', 'c', 'e']],
  [{ name__ends_with: '😀' }, ['d']],
  [{ price__isnull: true }, ['d']],
  [{ price__is_null: true }, ['d']],
  [{ price__is_not_null: true }, ['a', 'b', 'c', 'e', 'f', 'g', 'h']],
  [{ releasedAt__isnull: true }, ['c', 'f']],
  [{ releasedAt__gte: new Date('2024-01-05T00:00:00Z') }, ['a', 'd', 'e', 'g']],
  [{ releasedAt__lt: '2024-01-05T00:00:00Z' }, ['b', 'h']],
  [{ releasedAt: '2024-01-05T00:00:00.000Z' }, ['a', 'g']],
  [{ tags__contains: 'outdoor' }, ['c', 'e']],
  [{ sku: 'c' }, ['c']],
  [{ sku__in: ['c', 'zz', 'a'] }, ['a', 'c']],
]

/** Excludes and the skus they must keep from {@link DATA}. */
export const EXCLUDE_CASES: [Record<string, unknown>, string[]][] = [
  [{ price__gt: 9 }, ['b', 'd', 'e', 'f', 'g']],
  [{ category: 'home' }, ['c', 'd', 'e', 'f', 'g', 'h']],
  [{ category: 'office', price__gt: 50 }, ['a', 'b', 'c', 'd', 'e', 'f', 'g']],
  [{ releasedAt__isnull: true }, ['a', 'b', 'd', 'e', 'g', 'h']],
  [{ name__icontains: 'lamp' }, ['c', 'd', 'e', 'f', 'g']],
]

/** Both models filled with the same data on one instrumented store (a memory store by default). */
export async function fixtures(base: ObjectStore = memoryStore()) {
  const store = instrumentStore(base)
  const db = createDatabase({ store, models: [Indexed, Plain] })
  const indexed = db.repository(Indexed)
  const plain = db.repository(Plain)
  for (const item of DATA) {
    await indexed.create(item)
    await plain.create(item)
  }
  return { store, indexed, plain }
}

import { createDatabase, defineModel, fromUtf8, type ObjectStore } from '@s3verless/core'
import * as z from 'zod'
import { AddField, Migration, RenameField, TransformField } from '../src/index.js'

/** Products as the application stored them before the migrations: a `title` and a price in euros. */
export const ProductV1 = defineModel(z.object({ title: z.string(), price: z.number() }), {
  name: 'Product',
  indexed: ['price'],
})

/** Products after 0001 (`title` renamed to `name`, now unique) and after 0002 (a `discount`). */
export const ProductNamed = defineModel(z.object({ name: z.string().min(1), price: z.number() }), {
  name: 'Product',
  unique: ['name'],
  indexed: ['price'],
})
export const ProductV2 = defineModel(z.object({ name: z.string().min(1), price: z.number(), discount: z.number() }), {
  name: 'Product',
  unique: ['name'],
  indexed: ['price'],
})

/** Products after 0001-0010: `name` (unique), a `discount`, the price in cents. */
export const Product = defineModel(z.object({ name: z.string().min(1), price: z.number().int(), discount: z.number() }), {
  name: 'Product',
  unique: ['name'],
  indexed: ['price'],
})

export const renameTitle = new Migration({
  version: '0001',
  modelName: 'Product',
  description: 'title → name',
  operations: [new RenameField('title', 'name')],
})
export const addDiscount = new Migration({
  version: '0002',
  modelName: 'Product',
  description: 'Add discount field',
  operations: [new AddField('discount', 0)],
})
export const priceInCents = new Migration({
  version: '0010',
  modelName: 'Product',
  description: 'price in cents',
  operations: [
    new TransformField(
      'price',
      (euros) => Math.round(Number(euros) * 100),
      (cents) => Number(cents) / 100,
    ),
  ],
})
export const productMigrations = [priceInCents, renameTitle, addDiscount] // out of order on purpose

/** Seeds `n` products written by the old application (V1). */
export async function seedV1(store: ObjectStore, n: number, price = (i: number) => i + 0.5) {
  const old = createDatabase({ store, models: [ProductV1] }).repository(ProductV1)
  const made: { id: string; title: string; price: number }[] = []
  for (let i = 0; i < n; i++) made.push(await old.create({ title: `P${i}`, price: price(i) }))
  return made
}

/** A stored object's JSON. */
export async function storedJson(store: ObjectStore, key: string): Promise<Record<string, unknown> | undefined> {
  const object = await store.get(key)
  return object ? (JSON.parse(fromUtf8(object.body)) as Record<string, unknown>) : undefined
}

export const recordKey = (id: string) => `s3verless-data/products/${id}.json`

/** Another model, for runs over several models. */
export const Note = defineModel(z.object({ text: z.string() }), { name: 'Note' })

/**
 * Quickstart: S3verless on the embedded file-system store. Defines two models, runs CRUD, unique
 * constraints, optimistic concurrency, index lookups and relations, and prints how many S3 requests
 * each step took. Data goes to ./.s3verless-data (or $S3VERLESS_DATA_DIR); each run uses fresh keys.
 */

import { InMemoryCache, repositoryCache } from '@s3verless/cache'
import { belongsTo, createDatabase, defineModel, type InferRecord, instrumentStore, isS3verlessError } from '@s3verless/core'
import { fsStore } from '@s3verless/core/fs'
import { query } from '@s3verless/query'
import * as z from 'zod'

const Product = defineModel(
  z.object({
    name: z.string().min(1),
    sku: z.string(),
    price: z.number().nonnegative(),
    category: z.string(),
    stock: z.number().int().default(0),
  }),
  { name: 'Product', unique: ['sku'], indexed: ['category', 'price'] },
)
const Review = defineModel(z.object({ productId: z.string(), stars: z.number().int().min(1).max(5), text: z.string() }), {
  name: 'Review',
  relations: { product: belongsTo('Product', { foreignKey: 'productId', onDelete: 'cascade' }) },
})
type Product = InferRecord<typeof Product>

const root = process.env.S3VERLESS_DATA_DIR ?? '.s3verless-data'
const store = instrumentStore(fsStore({ root }))
const run = Date.now().toString(36)
const db = createDatabase({ store, models: [Product, Review], basePath: `quickstart/${run}/` })
const products = db.repository(Product)
const reviews = db.repository(Review)

async function step<T>(label: string, work: () => Promise<T>): Promise<T> {
  store.reset()
  const result = await work()
  const c = store.counts()
  const parts = (['get', 'put', 'list', 'delete', 'deleteMany'] as const).filter((op) => c[op] > 0).map((op) => `${c[op]} ${op}`)
  console.log(`${label.padEnd(58)} ${String(c.total).padStart(3)} request(s)${parts.length ? ` (${parts.join(', ')})` : ''}`)
  return result
}
const show = (text: string) => console.log(`    -> ${text}`)

console.log(`S3verless quickstart on the file-system store at ${root}\n`)
const status = await step('open the collections (index catalog, once per process)', async () => {
  await reviews.indexStatus()
  return products.indexStatus()
})
show(`ready: ${status.ready.join(', ')}`)
const lamp = await step('create a product (1 unique + 2 indexed fields)', () =>
  products.create({ name: 'Desk lamp', sku: 'LAMP-1', price: 30, category: 'home' }),
)
show(`${lamp.name} ${lamp.id}`)
const dup = await step('a second product with the same sku is refused', () =>
  products.create({ name: 'Copy', sku: 'LAMP-1', price: 1, category: 'home' }).catch((e) => e),
)
show(isS3verlessError(dup) ? `${dup.code}: ${dup.message}` : 'unexpectedly created')
const bad = await step('invalid input is refused before any request', () =>
  products.create({ name: '', sku: 'X', price: -5, category: 'home' }).catch((e) => e),
)
show(isS3verlessError(bad) ? `${bad.code}: ${bad.message}` : 'unexpectedly created')
await step('create 20 more products', () =>
  products.createMany(
    Array.from({ length: 20 }, (_, i) => ({ name: `Item ${i}`, sku: `ITEM-${i}`, price: 5 + i, category: i % 2 ? 'home' : 'garden' })),
  ),
)
const got = await step('get by id', () => products.getOrThrow(lamp.id))
show(`${got.name} at ${got.price}, etag ${got.$etag}`)
const cheaper = await step('update the price with the etag (compare-and-swap)', () =>
  products.update(lamp.id, { price: 25 }, { ifMatch: got.$etag }),
)
show(`price now ${cheaper.price}`)
const stale = await step('update again with the old etag: conflict', () =>
  products.update(lamp.id, { price: 1 }, { ifMatch: got.$etag }).catch((e) => e),
)
show(isS3verlessError(stale) ? stale.code : 'unexpectedly updated')
await step('10 concurrent stock increments (functional update)', () =>
  Promise.all(Array.from({ length: 10 }, () => products.update(lamp.id, (p: Product) => ({ stock: p.stock + 1 })))),
)
show(`stock now ${(await products.getOrThrow(lamp.id)).stock}`)
const bySku = await step('find by unique sku', () => products.findBy('sku', 'ITEM-7'))
show(`${bySku?.name}`)
const home = await step('find all in category "home" (index lookup)', () => products.findAllBy('category', 'home'))
show(`${home.length} products`)
const page = await step('first page of 5, in creation order', () => products.listByPrefix({ limit: 5 }))
show(page.items.map((p) => p.sku).join(', '))
const cheapest = query(products).filter({ category: 'garden', price__gte: 10 }).orderBy('price').limit(3)
show(`plan: ${cheapest.explain().description}, predicted ${cheapest.explain().predicted.formula}`)
const found = await step('query: garden, price >= 10, cheapest 3', () => cheapest.all())
show(found.map((p) => `${p.sku} ${p.price}`).join(', '))
const newest = await step('query: price < 12, most expensive first', () =>
  query(products).filter({ price__lt: 12 }).orderBy('-price').all(),
)
show(newest.map((p) => p.price).join(', '))
const homeCount = await step('query: count in "home" (index only, no GET)', () => query(products).filter({ category: 'home' }).count())
show(`${homeCount}`)
const scan = query(products).filter({ name__icontains: 'item 1' })
show(`a filter on an unindexed field is a ${scan.explain().scan ? 'full scan' : 'lookup'}; maxScan(5) refuses it:`)
const refused = await step('query: name contains "item 1", maxScan 5', () =>
  scan
    .maxScan(5)
    .all()
    .catch((e) => e),
)
show(isS3verlessError(refused) ? refused.code : 'not refused')
const cachedDb = createDatabase({
  store,
  models: [Product, Review],
  basePath: `quickstart/${run}/`,
  cache: { backend: repositoryCache(new InMemoryCache()), mode: 'ttl', ttlSeconds: 60 },
})
const cachedProducts = cachedDb.repository(Product)
await step("100 gets of one product through a 'ttl' record cache", async () => {
  for (let i = 0; i < 100; i++) await cachedProducts.get(lamp.id)
})
const renamed = await step('update through the cached repository, then read it back', async () => {
  await cachedProducts.update(lamp.id, { name: 'Desk lamp (new)' })
  return cachedProducts.getOrThrow(lamp.id)
})
show(renamed.name)
await step('two reviews of the lamp', () =>
  reviews.createMany([
    { productId: lamp.id, stars: 5, text: 'Bright' },
    { productId: lamp.id, stars: 4, text: 'Good' },
  ]),
)
await step('delete the lamp (cascades to its reviews)', () => products.delete(lamp.id))
show(`reviews left for it: ${(await reviews.findAllBy('productId', lamp.id)).length}`)
const report = await step('verify indexes and claims', () => products.verify())
show(`${report.records} records, ${report.danglingIndexEntries.length} dangling entries, ${report.missingIndexEntries.length} missing`)
console.log('\nDone. See the README for the API and the request budgets.')

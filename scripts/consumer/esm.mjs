// Consumer check (ESM): every package's entry loads from the installed tarballs, and a memory-store
// app works end to end through core, query and the Hono adapter, with the consumer's own zod.

import { pbkdf2Hasher, S3AuthService } from '@s3verless/auth'
import { InMemoryCache } from '@s3verless/cache'
import { createDatabase, createSettings, defineModel, memoryStore } from '@s3verless/core'
import { fsStore } from '@s3verless/core/fs'
import { S3verless } from '@s3verless/hono'
import { MigrationRunner } from '@s3verless/migrations'
import { query } from '@s3verless/query'
import { PresignedUploadService } from '@s3verless/storage'
import { mulberry32 } from '@s3verless/testing/random'
import * as z from 'zod'

const Product = defineModel(z.object({ name: z.string(), sku: z.string(), price: z.number() }), {
  name: 'Product',
  unique: ['sku'],
  indexed: ['price'],
})
const db = createDatabase({ store: memoryStore(), models: [Product] })
const products = db.repository(Product)
await products.create({ name: 'Lamp', sku: 'L-1', price: 30 })
const cheap = await query(products).filter({ price__lt: 50 }).all()
if (cheap.length !== 1) throw new Error(`query found ${cheap.length}`)
const app = new S3verless({
  title: 'consumer',
  models: [Product],
  store: memoryStore(),
  settings: createSettings({ secretKey: 'a-random-string-of-at-least-32-characters' }),
  auth: false,
}).createApp()
const res = await app.request('/products', {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: '{"name":"x","sku":"s","price":1}',
})
if (res.status !== 201) throw new Error(`POST /products answered ${res.status}: ${await res.text()}`)
for (const value of [InMemoryCache, pbkdf2Hasher, S3AuthService, PresignedUploadService, MigrationRunner, fsStore]) {
  if (typeof value !== 'function') throw new Error('an export is missing')
}
if (mulberry32(1)() !== 0.6270739405881613) throw new Error('@s3verless/testing/random: mulberry32(1) drew another sequence')
console.log('esm: ok')

// Consumer typecheck for code that runs on Workers-style runtimes: compiled with `types: []`
// (no @types/node) and skipLibCheck off, so a Node-only type in a published .d.ts fails it.

import { pbkdf2Hasher } from '@s3verless/auth'
import { InMemoryCache } from '@s3verless/cache'
import { createDatabase, defineModel, type InferRecord, memoryStore, S3ClientManager } from '@s3verless/core'
import { S3verless } from '@s3verless/hono'
import { Migration } from '@s3verless/migrations'
import { query } from '@s3verless/query'
import { PresignedUploadService } from '@s3verless/storage'
import { hc } from 'hono/client'
import * as z from 'zod'

const Product = defineModel(z.object({ name: z.string(), price: z.number() }), { name: 'Product', indexed: ['price'] })
type Product = InferRecord<typeof Product>
const products = createDatabase({ store: memoryStore(), models: [Product] }).repository(Product)
export async function cheapest(): Promise<Product[]> {
  return query(products).filter({ price__lt: 10 }).orderBy('price').all()
}
export const parts = [S3ClientManager, InMemoryCache, pbkdf2Hasher, PresignedUploadService, Migration, S3verless]

// hc<typeof app> is typed from the published declaration files too.
const app = new S3verless({ title: 'consumer', models: [Product], store: memoryStore() }).createApp()
const client = hc<typeof app>('http://localhost')
export const create = () => client.products.$post({ json: { name: 'Lamp', price: 3 } })
// @ts-expect-error an unknown field is refused by the client's types
export const unknownField = () => client.products.$post({ json: { name: 'Lamp', price: 3, colour: 'red' } })

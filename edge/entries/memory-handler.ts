// A typical edge handler on the memory store: core + query, one model, a create and an indexed query.
// Bundled by scripts/bundle-size.mjs to keep the library's weight on edge runtimes in check.
import { createDatabase, defineModel, memoryStore } from '@s3verless/core'
import { query } from '@s3verless/query'
import * as z from 'zod'

const Product = defineModel(z.object({ name: z.string(), sku: z.string(), price: z.number(), category: z.string() }), {
  name: 'Product',
  unique: ['sku'],
  indexed: ['category', 'price'],
})
const db = createDatabase({ store: memoryStore(), models: [Product] })

export default {
  async fetch(request: Request): Promise<Response> {
    const products = db.repository(Product)
    if (request.method === 'POST') return Response.json(await products.create(await request.json()), { status: 201 })
    return Response.json(await query(products).filter({ category: 'home', price__lt: 50 }).orderBy('-price').limit(10).all())
  },
}

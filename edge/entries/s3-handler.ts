// The same handler as memory-handler.ts on S3 (R2, Ceph RGW, AWS) over fetch: settings from the
// worker's bindings. Bundled by edge/bundle-size.mjs to keep the library's weight on edge runtimes in check.
import { createDatabase, defineModel, S3ClientManager } from '@s3verless/core'
import { query } from '@s3verless/query'
import * as z from 'zod'

const Product = defineModel(z.object({ name: z.string(), sku: z.string(), price: z.number(), category: z.string() }), {
  name: 'Product',
  unique: ['sku'],
  indexed: ['category', 'price'],
})

interface Env {
  AWS_BUCKET_NAME: string
  AWS_ENDPOINT_URL: string
  AWS_ACCESS_KEY_ID: string
  AWS_SECRET_ACCESS_KEY: string
  S3_PROVIDER?: 'aws' | 'ceph'
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const manager = new S3ClientManager({
      bucket: env.AWS_BUCKET_NAME,
      endpoint: env.AWS_ENDPOINT_URL,
      accessKeyId: env.AWS_ACCESS_KEY_ID,
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
      provider: env.S3_PROVIDER ?? 'aws',
    })
    const products = createDatabase({ store: manager, models: [Product] }).repository(Product)
    if (request.method === 'POST') return Response.json(await products.create(await request.json()), { status: 201 })
    return Response.json(await query(products).filter({ category: 'home', price__lt: 50 }).orderBy('-price').limit(10).all())
  },
}

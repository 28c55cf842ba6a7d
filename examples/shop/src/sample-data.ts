import type { Database } from '@s3verless/core'
import { defineFactory } from '@s3verless/testing'
import { Product } from './models.js'

/** How many sample products a fresh shop gets. */
export const SAMPLE_PRODUCTS = 36
const CATEGORIES = Product.schema.shape.category.options

/**
 * Fills an empty shop with sample products (made by `@s3verless/testing`'s factory, seeded, so every
 * fresh start shows the same catalogue): every category, prices from about 1 to 500. Checks emptiness
 * with one listing page of one record, never a scan, and adds nothing when any product exists.
 * @returns how many products it added (0 when the shop had products).
 */
export async function addSampleData(database: Database): Promise<number> {
  const products = database.repository(Product)
  if ((await products.listByPrefix({ limit: 1 })).items.length > 0) return 0
  const factory = defineFactory(Product, { seed: 2026, optionalRate: 0 })
  await factory.createMany(products, SAMPLE_PRODUCTS, (i) => ({ category: CATEGORIES[i % CATEGORIES.length], inStock: i % 7 !== 0 }))
  return SAMPLE_PRODUCTS
}

/** Whether `npm start` adds sample data: not with `--no-sample-data` or `S3VERLESS_SAMPLE_DATA=0` (or `false`, `no`). */
export const wantsSampleData = (argv: readonly string[], env: Record<string, string | undefined>): boolean =>
  !argv.includes('--no-sample-data') && !/^(0|false|no|off)$/i.test(env.S3VERLESS_SAMPLE_DATA ?? '')

import { belongsTo, defineModel } from '@s3verless/core'
import * as z from 'zod'

/** A product of the shop: public to read, a unique SKU, indexed category and price. */
export const Product = defineModel(
  z.object({
    name: z.string().min(1).max(200),
    sku: z.string().min(1).max(40),
    price: z.number().nonnegative(),
    category: z.enum(['home', 'garden', 'toys', 'books']),
    inStock: z.boolean().default(true),
    description: z.string().max(2000).default(''),
    tags: z.array(z.string()).default([]),
  }),
  { name: 'Product', unique: ['sku'], indexed: ['category', 'price'], indexedDescending: ['price', 'createdAt'] },
)

/** A customer's review: owner-scoped (each user sees and edits only their own; admins see all). */
export const Review = defineModel(
  z.object({
    productId: z.string(),
    rating: z.number().int().min(1).max(5),
    text: z.string().max(2000).default(''),
    authorId: z.string().optional(),
  }),
  {
    name: 'Review',
    ownerField: 'authorId',
    relations: { product: belongsTo('Product', { foreignKey: 'productId', onDelete: 'cascade' }) },
  },
)

/** Every model of the shop. */
export const models = [Product, Review]

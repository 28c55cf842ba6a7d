import { belongsTo, defineModel, role } from '@s3verless/core'
import * as z from 'zod'

/**
 * The role that may edit the catalogue beside admins. Deleting a product deletes its reviews
 * (cascade), so a catalogue editor can delete only products whose reviews they may delete too:
 * the others are refused with 403 `access.cascadeForbidden`. Admins may delete any.
 */
export const CATALOG_ROLE = 'catalog'

/**
 * A product of the shop: public to read, admins (and users with the `catalog` role) to write; a
 * unique SKU, indexed category and price.
 */
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
  {
    name: 'Product',
    unique: ['sku'],
    indexed: ['category', 'price'],
    indexedDescending: ['price', 'createdAt'],
    access: { list: 'public', get: 'public', create: role(CATALOG_ROLE), update: role(CATALOG_ROLE), delete: role(CATALOG_ROLE) },
  },
)

/**
 * A customer's review: owner-scoped for every operation (`ownerField` alone means `'owner'`
 * everywhere: each user sees and edits only their own, others' are 404; admins see all).
 */
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

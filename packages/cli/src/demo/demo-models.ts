import { belongsTo, defineModel, role } from '@s3verless/core'
import * as z from 'zod'

/** The demo shop's products: anyone reads them, admins write them; a unique SKU, indexed category and price. */
export const DemoProduct = defineModel(
  z.object({
    name: z.string().min(1).max(200),
    sku: z.string().min(1).max(40),
    price: z.number().nonnegative(),
    category: z.enum(['home', 'garden', 'toys', 'books']),
    inStock: z.boolean().default(true),
  }),
  {
    name: 'Product',
    unique: ['sku'],
    indexed: ['category', 'price'],
    indexedDescending: ['createdAt'],
    access: { list: 'public', get: 'public', create: role('admin'), update: role('admin'), delete: role('admin') },
  },
)

/** The demo shop's reviews: each signed-in user sees and edits only their own; deleting a product deletes its reviews. */
export const DemoReview = defineModel(
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

/** What `s3verless serve` serves when no module is given. */
export const demoModels = [DemoProduct, DemoReview]

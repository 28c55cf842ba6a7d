import type { PasswordHasher } from '@s3verless/auth'
import type { ObjectStore, S3ClientManager, S3verlessSettings } from '@s3verless/core'
import { type ClientAddressOf, type DocsAssets, S3verless } from '@s3verless/hono'
import { models } from './models.js'

/** `TRUSTED_PROXIES` (comma-separated addresses or CIDR networks) as a list. */
export const trustedProxiesFrom = (value: string | undefined): string[] =>
  (value ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')

/** What the shop needs from its runtime. */
export interface ShopOptions {
  settings: S3verlessSettings
  store: ObjectStore | S3ClientManager
  /** One-time token for making the first admin (printed at start by `main.ts`). */
  setupToken?: string
  docsAssets?: DocsAssets
  /** Password hashing (default bcrypt; edge runtimes pass `pbkdf2Hasher()`). */
  passwordHasher?: PasswordHasher
  /** Where the client's address comes from (default: the Node socket or the Lambda event; Workers pass `cloudflareClientAddress`). */
  clientAddress?: ClientAddressOf
  /** Proxies whose `X-Forwarded-For` is believed (addresses or CIDRs; the `TRUSTED_PROXIES` variable of the entries). */
  trustedProxies?: readonly string[]
}

/**
 * The demo shop: products (public), reviews (owner-scoped), auth, docs and admin. Uses no Node
 * built-in, so the same app runs on Node, Lambda and Workers-style runtimes.
 */
export function createShop(options: ShopOptions) {
  const builder = new S3verless({
    settings: options.settings,
    title: 'S3verless shop',
    description: 'A demo shop: products, owner-scoped reviews, auth and an admin UI, stored in a bucket',
    models,
    store: options.store,
    // product photos and other files: PUT /uploads/files/{name} (any store) or presign + confirm (S3)
    uploads: {
      allowedContentTypes: ['image/png', 'image/jpeg', 'image/webp', 'application/pdf', 'text/plain'],
      maxFileSize: 5 * 1024 * 1024,
    },
    ...(options.setupToken ? { setupToken: options.setupToken } : {}),
    ...(options.docsAssets ? { docsAssets: options.docsAssets } : {}),
    ...(options.passwordHasher ? { passwordHasher: options.passwordHasher } : {}),
    ...(options.clientAddress ? { clientAddress: options.clientAddress } : {}),
    ...(options.trustedProxies?.length ? { trustedProxies: options.trustedProxies } : {}),
  })
  return { builder, app: builder.createApp(), auth: builder.appData.auth }
}

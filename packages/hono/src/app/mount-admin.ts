import type { RateLimiter, S3AuthService } from '@s3verless/auth'
import type { Database, Model } from '@s3verless/core'
import type { Hono } from 'hono'
import { adminRoutes } from '../admin/admin-routes.js'
import type { ClientAddressOf } from '../auth/client-address.js'
import type { CrudContext } from '../crud/crud-context.js'
import type { S3verlessEnv } from './env.js'

/** What the admin UI needs from the app. */
export interface AdminMount {
  database: Database
  auth: S3AuthService<Model>
  /** Models shown (those with `enableAdmin`); the user model is listed read-only. */
  models: readonly Model[]
  ctx: CrudContext
  title: string
  /** Where the app is mounted (`''` or e.g. `/api`). */
  prefix: string
  setupToken: string | undefined
  /** The app's rate limiter: admin sign-in and setup count as `login`, like `POST /auth/login` (`false`: none). */
  rateLimiter: RateLimiter | false
  clientAddress: ClientAddressOf
}

/** Mounts the admin UI at `/admin`. */
export function mountAdmin(app: Hono<S3verlessEnv>, mount: AdminMount): void {
  app.get('/admin/', (c) => c.redirect(`${mount.prefix}/admin`, 303))
  app.route('/admin', adminRoutes(mount))
}

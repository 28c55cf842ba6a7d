import type { S3AuthService } from '@s3verless/auth'
import type { Database, Model } from '@s3verless/core'
import type { Hono } from 'hono'
import type { CrudContext } from '../crud/crud-context.js'
import type { S3verlessEnv } from './env.js'

/** What the admin UI needs from the app. */
export interface AdminMount {
  database: Database
  auth: S3AuthService<Model>
  models: readonly Model[]
  ctx: CrudContext
  title: string
  prefix: string
  setupToken: string | undefined
}

/** Mounts the admin UI at `/admin` (filled in by the admin module). */
export function mountAdmin(_app: Hono<S3verlessEnv>, _mount: AdminMount): void {}

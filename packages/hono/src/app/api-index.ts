import type { Model } from '@s3verless/core'
import { needsAuth } from '../crud/access.js'

/** What `GET /` answers: the API's name and where everything is. */
export interface ApiIndex {
  title: string
  description: string
  version: string
  docs: string
  openapi: string
  health: string
  admin: string | null
  auth: string | null
  models: { name: string; path: string; requireAuth: boolean; ownerScoped: boolean }[]
}

/** Builds the index of `GET /`. */
export function apiIndex(
  meta: { title: string; description: string; version: string },
  prefix: string,
  models: readonly Model[],
  has: { admin: boolean; auth: boolean },
): ApiIndex {
  return {
    ...meta,
    docs: `${prefix}/docs`,
    openapi: `${prefix}/openapi.json`,
    health: `${prefix}/health`,
    admin: has.admin ? `${prefix}/admin` : null,
    auth: has.auth ? `${prefix}/auth` : null,
    models: models.map((m) => ({
      name: m.name,
      path: `${prefix}/${m.plural}`,
      requireAuth: needsAuth(m),
      ownerScoped: m.ownerField !== undefined,
    })),
  }
}

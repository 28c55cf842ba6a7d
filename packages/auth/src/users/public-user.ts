import type { Model } from '@s3verless/core'
import { MANAGED_USER_FIELDS, type PublicUser, type UserOf } from './user-model.js'

/**
 * A user without its password hash, normalised email and token version: what an API may return.
 * @example
 * return c.json(publicUser(await auth.getCurrentUser(token)))
 */
export function publicUser<M extends Model>(user: UserOf<M>): PublicUser<M> {
  const copy: Record<string, unknown> = { ...user }
  for (const field of MANAGED_USER_FIELDS) delete copy[field]
  return copy as PublicUser<M>
}

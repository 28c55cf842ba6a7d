import type { Model } from '@s3verless/core'
import type { Context } from 'hono'
import type { S3verlessEnv } from '../app/env.js'
import { HttpError } from '../errors/http-error.js'

/** Who is asking, as far as one model's routes care. */
export interface ModelAccess {
  /** The signed-in user's id, or `undefined` for an anonymous request. */
  userId: string | undefined
  /** Set when records are owner-scoped for this request: only records with this owner exist for it. */
  scopedTo: string | undefined
}

/** True when a model's routes need a signed-in user (`requireAuth`, or an owner field). */
export const needsAuth = (model: Model): boolean => model.requireAuth || model.ownerField !== undefined

/**
 * The access of the request to a model: a model with `requireAuth` or an `ownerField` needs a
 * signed-in user; with an `ownerField`, a non-admin sees only their own records.
 * @throws HttpError `http.unauthorized` (401) when a user is needed and none signed in.
 */
export function accessFor(model: Model, c: Context<S3verlessEnv>): ModelAccess {
  const user = c.get('user')
  if (needsAuth(model) && !user) {
    throw new HttpError('http.unauthorized', `Sign in to use ${model.plural}: send an Authorization: Bearer <access token> header`)
  }
  return { userId: user?.id, scopedTo: model.ownerField && user && !user.isAdmin ? user.id : undefined }
}

/** True when the record exists for this request (it is not someone else's, under owner scoping). */
export function visible(model: Model, access: ModelAccess, record: Record<string, unknown>): boolean {
  return access.scopedTo === undefined || (model.ownerField !== undefined && record[model.ownerField] === access.scopedTo)
}

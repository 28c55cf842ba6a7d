import type { Model } from '@s3verless/core'
import type { Context } from 'hono'
import { HttpError } from '../errors/http-error.js'
import { parseEntityTags } from './etag.js'

/** The 412 of a precondition that does not hold. */
export const preconditionFailed = (model: Model, id: string, why: string): HttpError =>
  new HttpError('http.preconditionFailed', `${model.name} ${id}: ${why}`, { model: model.name, id })

/** `If-None-Match: *` on a `PUT`: create only (the record must not exist yet). */
export function createOnly(c: Context): boolean {
  const header = c.req.header('if-none-match')
  return header !== undefined && parseEntityTags(header) === '*'
}

import { InvalidRequest } from '../errors.js'
import { utf8Length } from './bytes.js'
import { MAX_DELETE_BATCH, MAX_KEY_BYTES } from './types.js'

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

/** Throws `InvalidRequest` unless `key` is a usable object key: non-empty, valid Unicode, at most 1024 UTF-8 bytes. */
export function assertValidKey(operation: string, key: string): void {
  if (typeof key !== 'string' || key.length === 0) {
    throw new InvalidRequest(operation, String(key), { message: `${operation}: the key must be a non-empty string` })
  }
  if (LONE_SURROGATE.test(key)) {
    throw new InvalidRequest(operation, key, { message: `${operation}: the key contains a lone surrogate and has no UTF-8 form` })
  }
  const bytes = utf8Length(key)
  if (bytes > MAX_KEY_BYTES) {
    throw new InvalidRequest(operation, key, {
      message: `${operation}: the key is ${bytes} UTF-8 bytes long; the limit is ${MAX_KEY_BYTES}`,
    })
  }
}

/** Throws `InvalidRequest` when a list page size is outside 1–1000. */
export function assertPageSize(operation: string, limit: number | undefined): void {
  if (limit === undefined) return
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
    throw new InvalidRequest(operation, undefined, { message: `${operation}: limit must be an integer from 1 to 1000, got ${limit}` })
  }
}

/** Throws `InvalidRequest` for a `deleteMany` batch over the S3 limit of 1000 keys or with an unusable key. */
export function assertDeleteBatch(keys: readonly string[]): void {
  if (keys.length > MAX_DELETE_BATCH) {
    throw new InvalidRequest('deleteMany', undefined, {
      message: `deleteMany: at most ${MAX_DELETE_BATCH} keys per request, got ${keys.length}`,
    })
  }
  for (const key of keys) assertValidKey('deleteMany', key)
}

/** Throws `InvalidRequest` for a put that asks for both create-if-absent and compare-and-swap. */
export function assertPutConditions(key: string, options: { ifMatch?: string; ifNoneMatch?: '*' }): void {
  if (options.ifMatch !== undefined && options.ifNoneMatch !== undefined) {
    throw new InvalidRequest('put', key, { message: 'put: give ifMatch or ifNoneMatch, not both' })
  }
}

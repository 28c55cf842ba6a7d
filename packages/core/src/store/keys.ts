import { InvalidRequest } from '../errors.js'
import { utf8Length } from './bytes.js'
import { MAX_KEY_BYTES } from './types.js'

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

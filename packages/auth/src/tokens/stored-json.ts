import { fromUtf8, isS3verlessError, type ObjectStore } from '@s3verless/core'
import type * as z from 'zod'

/** A JSON object as read, with its etag; `value` is `null` when the object no longer parses. */
export interface StoredJson<T> {
  value: T | null
  etag: string
}

/** Reads and parses a JSON object (1 GET); `null` when there is none. */
export async function readJson<T>(store: ObjectStore, key: string, schema: z.ZodType<T>): Promise<StoredJson<T> | null> {
  const object = await store.get(key)
  if (!object) return null
  let parsed: unknown
  try {
    parsed = JSON.parse(fromUtf8(object.body))
  } catch {
    return { value: null, etag: object.etag }
  }
  const result = schema.safeParse(parsed)
  return { value: result.success ? result.data : null, etag: object.etag }
}

/** Writes a JSON object (1 PUT), optionally create-if-absent or compare-and-swap. */
export async function writeJson(store: ObjectStore, key: string, value: unknown, condition: { ifNoneMatch?: '*'; ifMatch?: string } = {}) {
  return store.put(key, JSON.stringify(value), { ...condition, contentType: 'application/json' })
}

/**
 * True for a conditional write that lost: its condition failed (412), or the store reported a
 * conflicting concurrent write (409, or Ceph RGW's 500 to a losing racer). After a conflict the
 * write may still have landed: re-read to decide.
 */
export const lostCondition = (error: unknown): boolean =>
  isS3verlessError(error, 'store.preconditionFailed') || isS3verlessError(error, 'store.conflict')

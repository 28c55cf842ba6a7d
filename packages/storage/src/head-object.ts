import { isS3verlessError, S3NetworkError, S3ResponseError, withRetry } from '@s3verless/core'
import { translateS3Error } from '@s3verless/core/internal'
import type { UploadTarget } from './upload-target.js'
import { isTombstone } from './upload-tombstone.js'

/** What a HEAD tells about an object. */
export interface ObjectHead {
  readonly size: number
  /** The stored media type (`undefined` where the store keeps none, as the file-system store). */
  readonly contentType: string | undefined
  readonly etag: string
  readonly lastModified: Date
  /** The store's clock at the time of the answer (S3's `Date` header), for age judgements. */
  readonly serverTime: Date
  /** User metadata, names lower-case without `x-amz-meta-`. */
  readonly metadata: Readonly<Record<string, string>>
  /** The object is the marker a deleted upload leaves (see `putTombstone`), not a file. */
  readonly deleted: boolean
}

/**
 * HEADs an object: one HeadObject request on S3 (retried on throttling and outages), or a `get` on a
 * plain ObjectStore (which has no HEAD; those are local). `null` when the object does not exist.
 * @throws the store's typed errors (`store.accessDenied`, `store.unavailable`, …).
 */
export async function headObject(target: UploadTarget, key: string): Promise<ObjectHead | null> {
  const { s3, bucket } = target
  if (!s3 || !bucket) {
    const object = await target.store.get(key)
    if (!object) return null
    return {
      size: object.body.length,
      contentType: object.contentType,
      etag: object.etag,
      lastModified: object.lastModified,
      serverTime: object.serverTime,
      metadata: {},
      deleted: isTombstone({ contentType: object.contentType, size: object.body.length }, object.body),
    }
  }
  const client = await s3.client()
  const retryable = (error: unknown) => isS3verlessError(error, 'store.throttled') || isS3verlessError(error, 'store.unavailable')
  return withRetry(async () => {
    try {
      const answer = await client.send({ method: 'HEAD', bucket, key, operation: 'HeadObject' })
      const metadata: Record<string, string> = {}
      answer.headers.forEach((value, name) => {
        if (name.toLowerCase().startsWith('x-amz-meta-')) metadata[name.toLowerCase().slice('x-amz-meta-'.length)] = value
      })
      const modified = answer.headers.get('last-modified')
      const size = Number(answer.headers.get('content-length') ?? 0)
      const contentType = answer.headers.get('content-type') ?? undefined
      return {
        size,
        contentType,
        etag: (answer.headers.get('etag') ?? '').replace(/^"|"$/g, ''),
        lastModified: modified ? new Date(modified) : new Date(0),
        serverTime: answer.serverTime,
        metadata,
        deleted: isTombstone({ contentType, size }),
      }
    } catch (error) {
      if (error instanceof S3ResponseError && error.$metadata.httpStatusCode === 404) return null
      if (!(error instanceof S3ResponseError || error instanceof S3NetworkError)) throw error
      throw translateS3Error(error, { operation: 'HeadObject', key, conditionalWrite: false, serverErrorIsConflict: false })
    }
  }, retryable)
}

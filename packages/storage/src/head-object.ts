import { HeadObjectCommand } from '@aws-sdk/client-s3'
import { isS3verlessError, withRetry } from '@s3verless/core'
import { translateS3Error } from '@s3verless/core/internal'
import type { UploadTarget } from './upload-target.js'

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
}

type Handler = (args: { request: unknown }) => Promise<{ response: unknown; output: unknown }>
/** The little of an SDK command we touch: its middleware stack. */
interface AnyCommand {
  middlewareStack: { add(middleware: (next: Handler) => Handler, options: { step: 'deserialize'; name: string; priority: 'low' }): void }
}
const statusOf = (error: unknown) => (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode

/**
 * HEADs an object: one HeadObject request on S3 (retried on throttling and outages), or a `get` on a
 * plain ObjectStore (which has no HEAD; those are local). `null` when the object does not exist.
 * @throws the store's typed errors (`store.accessDenied`, `store.unavailable`, …).
 */
export async function headObject(target: UploadTarget, key: string): Promise<ObjectHead | null> {
  const { sdk, bucket } = target
  if (!sdk || !bucket) {
    const object = await target.store.get(key)
    if (!object) return null
    return {
      size: object.body.length,
      contentType: object.contentType,
      etag: object.etag,
      lastModified: object.lastModified,
      serverTime: object.serverTime,
      metadata: {},
    }
  }
  const retryable = (error: unknown) => isS3verlessError(error, 'store.throttled') || isS3verlessError(error, 'store.unavailable')
  return withRetry(async () => {
    const command = new HeadObjectCommand({ Bucket: bucket, Key: key })
    let date: string | undefined
    ;(command as unknown as AnyCommand).middlewareStack.add(
      (next: Handler): Handler =>
        async (args) => {
          const result = await next(args)
          date = (result.response as { headers?: Record<string, string> }).headers?.date
          return result
        },
      { step: 'deserialize', name: 's3verlessHeadDate', priority: 'low' },
    )
    try {
      const output = await sdk.send(command)
      return {
        size: output.ContentLength ?? 0,
        contentType: output.ContentType,
        etag: (output.ETag ?? '').replace(/^"|"$/g, ''),
        lastModified: output.LastModified ?? new Date(0),
        serverTime: date ? new Date(date) : new Date(),
        metadata: output.Metadata ?? {},
      }
    } catch (error) {
      if (statusOf(error) === 404) return null
      throw translateS3Error(error, { operation: 'HeadObject', key, conditionalWrite: false, serverErrorIsConflict: false })
    }
  }, retryable)
}

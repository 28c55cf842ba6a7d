/** HTTP status of each S3 error code the in-memory S3 raises or can be told to raise. */
const STATUS: Record<string, number> = {
  NoSuchKey: 404,
  NoSuchBucket: 404,
  NotFound: 404,
  NotModified: 304,
  PreconditionFailed: 412,
  ConditionalRequestConflict: 409,
  BucketAlreadyOwnedByYou: 409,
  BucketNotEmpty: 409,
  InvalidArgument: 400,
  InvalidRequest: 400,
  MalformedXML: 400,
  InvalidBucketName: 400,
  KeyTooLongError: 400,
  RequestTimeout: 400,
  AccessDenied: 403,
  InvalidAccessKeyId: 403,
  SignatureDoesNotMatch: 403,
  MethodNotAllowed: 405,
  SlowDown: 503,
  ServiceUnavailable: 503,
  InternalError: 500,
}

/** The HTTP status S3 answers an error code with (500 for a code it does not know). */
export const statusOfCode = (code: string): number => STATUS[code] ?? 500

/**
 * An error as the AWS SDK v3 raises it for an S3 answer: `name` is S3's error code (`NoSuchKey`,
 * `PreconditionFailed`, `SlowDown`…), `$metadata.httpStatusCode` the status, `$fault` who is to blame.
 * Code that catches SDK errors by name or status handles these the same way.
 */
export class S3ServiceError extends Error {
  override readonly name: string
  /** Same as `name`, as S3's XML calls it. */
  readonly Code: string
  readonly $fault: 'client' | 'server'
  readonly $metadata: { httpStatusCode: number; attempts: number; totalRetryDelay: number }
  readonly BucketName: string | undefined
  readonly Key: string | undefined

  constructor(code: string, message: string, where: { bucket?: string; key?: string } = {}) {
    super(message)
    const status = statusOfCode(code)
    this.name = code
    this.Code = code
    this.$fault = status >= 500 ? 'server' : 'client'
    this.$metadata = { httpStatusCode: status, attempts: 1, totalRetryDelay: 0 }
    this.BucketName = where.bucket
    this.Key = where.key
  }
}

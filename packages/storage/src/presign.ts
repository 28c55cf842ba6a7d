import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3'
import { getSignedUrl } from '@aws-sdk/s3-request-presigner'
import { StorageError } from './errors.js'

/** ACLs an upload URL can pin (see `PresignedUploadServiceOptions.acl`). */
export type UploadAcl = 'private' | 'bucket-owner-full-control'

/** What {@link presignPut} signs. */
export interface PutToSign {
  key: string
  contentType: string
  size: number
  /** Names without `x-amz-meta-`, values already ASCII. */
  metadata: Record<string, string>
  expiresIn: number
  acl: UploadAcl | undefined
}

/** A signed PUT: the URL and the headers the client must send with exactly `size` bytes. */
export interface SignedPut {
  url: string
  headers: Record<string, string>
}

/** Headers whose values the signature fixes: the client cannot send another type or length, or overwrite. */
const BOUND = ['content-type', 'content-length', 'if-none-match'] as const

/**
 * Refuses a client that adds checksum headers to requests (the SDK default): a presigned PUT would
 * then carry the checksum of an empty body and every upload through it would fail.
 */
async function assertNoChecksums(sdk: S3Client): Promise<void> {
  const setting = sdk.config.requestChecksumCalculation
  const value = typeof setting === 'function' ? await setting() : setting
  if (value !== 'WHEN_REQUIRED') {
    throw new StorageError(
      'storage.invalidConfig',
      "The S3Client must be created with requestChecksumCalculation: 'WHEN_REQUIRED' (as S3ClientManager does): " +
        'otherwise presigned PUTs carry a checksum of an empty body and every upload fails',
    )
  }
}

/**
 * Presigns a PutObject whose signature covers `Content-Type`, `Content-Length` and
 * `If-None-Match: *` as headers (not hoisted into the query), plus the metadata and the optional
 * ACL: a client that sends another type, another number of bytes, other metadata or ACL, or that
 * PUTs a second time, is refused by S3 (403 or 412).
 * @throws StorageError `storage.invalidConfig` for an SDK client that adds checksums, or when the
 * SDK left a bound header out of the signature.
 */
export async function presignPut(sdk: S3Client, bucket: string, put: PutToSign): Promise<SignedPut> {
  await assertNoChecksums(sdk)
  const metadataHeaders = Object.keys(put.metadata).map((name) => `x-amz-meta-${name}`)
  const command = new PutObjectCommand({
    Bucket: bucket,
    Key: put.key,
    ContentType: put.contentType,
    ContentLength: put.size,
    IfNoneMatch: '*',
    Metadata: put.metadata,
    ...(put.acl ? { ACL: put.acl } : {}),
  })
  const url = await getSignedUrl(sdk, command, {
    expiresIn: put.expiresIn,
    signableHeaders: new Set(BOUND),
    unhoistableHeaders: new Set([...metadataHeaders, ...(put.acl ? ['x-amz-acl'] : [])]),
  })
  const signed = (new URL(url).searchParams.get('X-Amz-SignedHeaders') ?? '').split(';')
  const missing = [...BOUND, ...metadataHeaders].filter((header) => !signed.includes(header))
  if (missing.length > 0) {
    throw new StorageError('storage.invalidConfig', `The presigned URL does not bind ${missing.join(', ')}: refusing to hand it out`)
  }
  const headers: Record<string, string> = { 'Content-Type': put.contentType, 'If-None-Match': '*' }
  for (const [name, value] of Object.entries(put.metadata)) headers[`x-amz-meta-${name}`] = value
  if (put.acl) headers['x-amz-acl'] = put.acl
  return { url, headers }
}

/** Presigns a GetObject answered with the given `Content-Disposition`. */
export function presignGet(sdk: S3Client, bucket: string, key: string, expiresIn: number, disposition: string): Promise<string> {
  return getSignedUrl(sdk, new GetObjectCommand({ Bucket: bucket, Key: key, ResponseContentDisposition: disposition }), { expiresIn })
}

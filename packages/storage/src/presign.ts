import type { S3Store } from '@s3verless/core'
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

/**
 * Presigns a PutObject whose signature covers `Content-Type`, `Content-Length` and
 * `If-None-Match: *` as headers (not hoisted into the query), plus the metadata and the optional
 * ACL: a client that sends another type, another number of bytes, other metadata or ACL, or that
 * PUTs a second time, is refused by S3 (403 or 412).
 */
export async function presignPut(s3: S3Store, bucket: string, put: PutToSign): Promise<SignedPut> {
  const headers: Record<string, string> = { 'Content-Type': put.contentType, 'If-None-Match': '*' }
  for (const [name, value] of Object.entries(put.metadata)) headers[`x-amz-meta-${name}`] = value
  if (put.acl) headers['x-amz-acl'] = put.acl
  const client = await s3.client()
  const url = await client.presign({
    method: 'PUT',
    bucket,
    key: put.key,
    headers: { ...headers, 'Content-Length': String(put.size) },
    expiresIn: put.expiresIn,
  })
  return { url, headers }
}

/** Presigns a GetObject answered with the given `Content-Disposition`. */
export async function presignGet(s3: S3Store, bucket: string, key: string, expiresIn: number, disposition: string): Promise<string> {
  const client = await s3.client()
  return client.presign({ method: 'GET', bucket, key, query: { 'response-content-disposition': disposition }, expiresIn })
}

/** Request and answer shapes of the in-memory S3, named and typed as in the AWS SDK v3 (a subset of each). */

/** What an object body may be given as. */
export type BodyInput = string | Uint8Array | ArrayBuffer | Blob | ReadableStream<Uint8Array>

/** Response metadata, as on every SDK output. */
export interface ResponseMetadata {
  httpStatusCode: number
  attempts: number
  totalRetryDelay: number
}

interface Output {
  $metadata: ResponseMetadata
}

/** A body read from the in-memory S3, with the SDK's mixin methods. */
export interface BodyOutput {
  transformToString(encoding?: string): Promise<string>
  transformToByteArray(): Promise<Uint8Array>
  transformToWebStream(): ReadableStream<Uint8Array>
}

export interface PutObjectInput {
  Bucket: string
  Key: string
  Body?: BodyInput
  ContentType?: string
  Metadata?: Record<string, string>
  /** Write only if the current ETag is this one (412 `PreconditionFailed` otherwise, 404 `NoSuchKey` when absent). */
  IfMatch?: string
  /** `'*'`: write only if the key is absent (412 `PreconditionFailed` otherwise). */
  IfNoneMatch?: string
}
export interface PutObjectOutput extends Output {
  ETag: string
}

export interface GetObjectInput {
  Bucket: string
  Key: string
  IfMatch?: string
  IfNoneMatch?: string
}
export interface HeadObjectOutput extends Output {
  ETag: string
  LastModified: Date
  ContentLength: number
  ContentType: string
  Metadata: Record<string, string>
}
export interface GetObjectOutput extends HeadObjectOutput {
  Body: BodyOutput
}

export interface DeleteObjectInput {
  Bucket: string
  Key: string
  /** Delete only if the current ETag is this one (ignored when the store is made with `conditionalDelete: false`). */
  IfMatch?: string
}

export interface DeleteObjectsInput {
  Bucket: string
  Delete: { Objects: readonly { Key: string }[]; Quiet?: boolean }
}
export interface DeleteObjectsOutput extends Output {
  Deleted: { Key: string }[]
  Errors: { Key: string; Code: string; Message: string }[]
}

export interface ListObjectsV2Input {
  Bucket: string
  Prefix?: string
  Delimiter?: string
  /** Page size, 1–1000 (default and cap 1000, as S3). */
  MaxKeys?: number
  ContinuationToken?: string
  StartAfter?: string
}
export interface ListedObjectOutput {
  Key: string
  LastModified: Date
  ETag: string
  Size: number
  StorageClass: 'STANDARD'
}
export interface ListObjectsV2Output extends Output {
  Name: string
  Prefix: string
  Delimiter?: string
  MaxKeys: number
  KeyCount: number
  IsTruncated: boolean
  Contents: ListedObjectOutput[]
  CommonPrefixes: { Prefix: string }[]
  ContinuationToken?: string
  NextContinuationToken?: string
  StartAfter?: string
}

export interface CopyObjectInput {
  Bucket: string
  Key: string
  /** `source-bucket/source-key`, URL-encoded as the SDK expects (a leading `/` is allowed). */
  CopySource: string
  CopySourceIfMatch?: string
  IfNoneMatch?: string
  IfMatch?: string
  MetadataDirective?: 'COPY' | 'REPLACE'
  ContentType?: string
  Metadata?: Record<string, string>
}
export interface CopyObjectOutput extends Output {
  CopyObjectResult: { ETag: string; LastModified: Date }
}

export interface BucketInput {
  Bucket: string
}
export interface ListBucketsOutput extends Output {
  Buckets: { Name: string; CreationDate: Date }[]
}

/** The operations' inputs and outputs by name, for `send`. */
export interface S3Operations {
  PutObject: [PutObjectInput, PutObjectOutput]
  GetObject: [GetObjectInput, GetObjectOutput]
  HeadObject: [GetObjectInput, HeadObjectOutput]
  DeleteObject: [DeleteObjectInput, Output]
  DeleteObjects: [DeleteObjectsInput, DeleteObjectsOutput]
  ListObjectsV2: [ListObjectsV2Input, ListObjectsV2Output]
  CopyObject: [CopyObjectInput, CopyObjectOutput]
  CreateBucket: [BucketInput, Output & { Location: string }]
  HeadBucket: [BucketInput, Output]
  DeleteBucket: [BucketInput, Output]
  ListBuckets: [Record<string, never>, ListBucketsOutput]
}

/** One request as {@link InMemoryS3.requests} records it. */
export interface RecordedRequest {
  op: keyof S3Operations
  bucket?: string
  key?: string
  /** Conditional headers as sent (`IfMatch`, `IfNoneMatch`, `CopySourceIfMatch`). */
  ifMatch?: string
  ifNoneMatch?: string
  /** How it came: a direct call, an SDK command through `send`, or an HTTP request through `fetch`. */
  via: 'direct' | 'sdk' | 'http'
  /** The HTTP status it was answered with (an injected `Error` leaves 0). */
  status: number
  /** S3's error code when it failed. */
  error?: string
}

import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3'
import { ClientStatsRecorder } from '../client/client-stats.js'
import { toBytes } from './bytes.js'
import { quoteEtag, unquoteEtag } from './etag.js'
import { assertDeleteBatch, assertPageSize, assertPutConditions, assertValidKey } from './keys.js'
import { type ProviderName, type ProviderQuirks, resolveQuirks } from './provider-quirks.js'
import { DEFAULT_RETRY, type RetryOptions, withRetry } from './retry.js'
import { isRetryable, sdkStatusOf, translateS3Error } from './s3-errors.js'
import type { DeleteManyResult, GetOptions, NotModified, ObjectStore, StoredObject } from './types.js'

/** Options for {@link s3Store}. */
export interface S3StoreOptions {
  /** An AWS SDK v3 client (share one per configuration; `S3ClientManager` does). */
  client: S3Client
  bucket: string
  /** Provider quirks by name (`'aws'`, `'ceph'`) or explicitly (default `'aws'`). */
  provider?: ProviderName | Partial<ProviderQuirks>
  retry?: RetryOptions
  /** Where request statistics go (default: a recorder of this store's own, see `stats`). */
  stats?: ClientStatsRecorder
}

/** An S3-backed store, with its request statistics. */
export interface S3Store extends ObjectStore {
  readonly bucket: string
  readonly stats: ClientStatsRecorder
}

interface Sent<T> {
  output: T
  serverTime: Date
}

type Handler = (args: { request: unknown }) => Promise<{ response: unknown; output: unknown }>
/** The little of an SDK command we touch: its middleware stack. */
interface AnyCommand {
  middlewareStack: { add(middleware: (next: Handler) => Handler, options: { step: 'deserialize'; name: string; priority: 'low' }): void }
}

/**
 * An object store over the AWS SDK v3 S3 client. Works with AWS S3 and S3-compatible servers
 * (Ceph RGW, MinIO, R2); pass `provider: 'ceph'` for RGW's quirks. Throttling and 5xx answers are
 * retried with jittered exponential backoff; a failed precondition (412) never is, and a 5xx to a
 * conditional write is not retried blindly (it may have been applied).
 * Give it a client that does not retry (`maxAttempts: 1`, as `S3ClientManager` makes): the store
 * retries what is safe to retry itself, and never blindly repeats a conditional write that may
 * have landed. (A client that retries anyway is tolerated: a write that then meets its own first
 * attempt is recognised by its token.)
 * @example
 * const store = s3Store({ client: new S3Client({ region: 'us-east-1', maxAttempts: 1 }), bucket: 'my-bucket' })
 */
export const s3Store = (options: S3StoreOptions): S3Store => {
  const { client, bucket } = options
  const quirks = resolveQuirks(options.provider)
  const retry = { ...DEFAULT_RETRY, ...options.retry }
  const stats = options.stats ?? new ClientStatsRecorder()
  const ifMatchValue = (etag: string) => (quirks.unquotedIfMatch ? unquoteEtag(etag) : quoteEtag(etag))

  async function send<T>(
    operation: string,
    key: string | undefined,
    make: () => object,
    conditionalWrite = false,
    passThrough?: (error: unknown) => boolean,
  ): Promise<Sent<T>> {
    return withRetry(
      async () => {
        const command = make() as AnyCommand
        let serverTime: Date | undefined
        command.middlewareStack.add(
          (next: Handler): Handler =>
            async (args) => {
              const result = await next(args)
              const date = (result.response as { headers?: Record<string, string> }).headers?.date
              if (date) serverTime = new Date(date)
              return result
            },
          { step: 'deserialize', name: 's3verlessServerTime', priority: 'low' },
        )
        const started = performance.now()
        try {
          const output = (await client.send(command as never)) as T
          stats.request(operation, performance.now() - started)
          return { output, serverTime: serverTime ?? new Date() }
        } catch (error) {
          if (passThrough?.(error)) {
            stats.request(operation, performance.now() - started)
            throw error
          }
          const translated = translateS3Error(error, {
            operation,
            key,
            conditionalWrite,
            serverErrorIsConflict: quirks.serverErrorOnConditionalPutIsConflict,
          })
          stats.request(operation, performance.now() - started, translated.code)
          throw translated
        }
      },
      (error) => isRetryable(error, conditionalWrite),
      { ...retry, onRetry: () => stats.retry() },
    )
  }

  function get(key: string): Promise<StoredObject | null>
  function get(key: string, opts: GetOptions): Promise<StoredObject | NotModified | null>
  async function get(key: string, opts: GetOptions = {}): Promise<StoredObject | NotModified | null> {
    assertValidKey('get', key)
    const missing = (e: unknown) => sdkStatusOf(e) === 404 || sdkStatusOf(e) === 304
    try {
      const { output, serverTime } = await send<{
        Body?: { transformToByteArray(): Promise<Uint8Array> }
        ETag?: string
        LastModified?: Date
        ContentType?: string
      }>(
        'GetObject',
        key,
        () =>
          new GetObjectCommand({
            Bucket: bucket,
            Key: key,
            ...(opts.ifNoneMatch ? { IfNoneMatch: quoteEtag(opts.ifNoneMatch) } : {}),
          }),
        false,
        missing,
      )
      const body = output.Body ? await output.Body.transformToByteArray() : new Uint8Array()
      return {
        notModified: false,
        key,
        body,
        etag: unquoteEtag(output.ETag ?? ''),
        lastModified: output.LastModified ?? serverTime,
        serverTime,
        ...(output.ContentType ? { contentType: output.ContentType } : {}),
      }
    } catch (error) {
      const status = sdkStatusOf(error)
      if (status === 404) return null
      if (status === 304 && opts.ifNoneMatch) {
        return { notModified: true, key, etag: unquoteEtag(opts.ifNoneMatch), serverTime: new Date() }
      }
      throw error
    }
  }

  return {
    name: 's3',
    bucket,
    stats,
    capabilities: { conditionalDelete: quirks.conditionalDelete, timeResolutionMs: 1000 },
    get,
    async put(key, body, opts = {}) {
      assertValidKey('put', key)
      assertPutConditions(key, opts)
      const conditional = opts.ifMatch !== undefined || opts.ifNoneMatch !== undefined
      const bytes = toBytes(body)
      try {
        const { output } = await send<{ ETag?: string }>(
          'PutObject',
          key,
          () =>
            new PutObjectCommand({
              Bucket: bucket,
              Key: key,
              Body: bytes,
              ContentLength: bytes.length,
              ...(opts.contentType ? { ContentType: opts.contentType } : {}),
              ...(opts.ifNoneMatch ? { IfNoneMatch: '*' } : {}),
              ...(opts.ifMatch !== undefined ? { IfMatch: ifMatchValue(opts.ifMatch) } : {}),
            }),
          conditional,
          (e) => opts.ifMatch !== undefined && sdkStatusOf(e) === 404,
        )
        return { etag: unquoteEtag(output.ETag ?? '') }
      } catch (error) {
        // AWS answers If-Match on a missing key with 404; the port (and RGW) call that a failed precondition.
        if (opts.ifMatch !== undefined && sdkStatusOf(error) === 404) {
          throw translateS3Error(Object.assign(new Error('precondition failed: key is gone'), { $metadata: { httpStatusCode: 412 } }), {
            operation: 'put',
            key,
            conditionalWrite: true,
            serverErrorIsConflict: false,
          })
        }
        throw error
      }
    },
    async delete(key, opts = {}) {
      assertValidKey('delete', key)
      const conditional = opts.ifMatch !== undefined && quirks.conditionalDelete
      try {
        await send(
          'DeleteObject',
          key,
          () =>
            new DeleteObjectCommand({
              Bucket: bucket,
              Key: key,
              ...(conditional ? { IfMatch: ifMatchValue(opts.ifMatch as string) } : {}),
            }),
          conditional,
          (e) => sdkStatusOf(e) === 404,
        )
      } catch (error) {
        if (sdkStatusOf(error) === 404) return
        throw error
      }
    },
    async deleteMany(keys): Promise<DeleteManyResult> {
      assertDeleteBatch(keys)
      if (keys.length === 0) return { deleted: [], errors: [] }
      const { output } = await send<{
        Deleted?: { Key?: string }[]
        Errors?: { Key?: string; Code?: string; Message?: string }[]
      }>(
        'DeleteObjects',
        undefined,
        () => new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys.map((Key) => ({ Key })), Quiet: true } }),
      )
      const errors = (output.Errors ?? []).map((e) => ({ key: e.Key ?? '', code: e.Code ?? 'Unknown', message: e.Message ?? '' }))
      const failed = new Set(errors.map((e) => e.key))
      return { deleted: keys.filter((k) => !failed.has(k)), errors }
    },
    async list(prefix, opts = {}) {
      assertPageSize('list', opts.limit)
      const { output, serverTime } = await send<{
        Contents?: { Key?: string; LastModified?: Date; Size?: number; ETag?: string }[]
        CommonPrefixes?: { Prefix?: string }[]
        NextContinuationToken?: string
        IsTruncated?: boolean
      }>(
        'ListObjectsV2',
        prefix,
        () =>
          new ListObjectsV2Command({
            Bucket: bucket,
            Prefix: prefix,
            ...(opts.startAfter !== undefined ? { StartAfter: opts.startAfter } : {}),
            ...(opts.cursor !== undefined ? { ContinuationToken: opts.cursor } : {}),
            ...(opts.delimiter !== undefined ? { Delimiter: opts.delimiter } : {}),
            MaxKeys: opts.limit ?? 1000,
          }),
      )
      return {
        objects: (output.Contents ?? []).map((o) => ({
          key: o.Key ?? '',
          lastModified: o.LastModified ?? serverTime,
          size: o.Size ?? 0,
          ...(o.ETag ? { etag: unquoteEtag(o.ETag) } : {}),
        })),
        commonPrefixes: (output.CommonPrefixes ?? []).map((p) => p.Prefix ?? ''),
        ...(output.IsTruncated && output.NextContinuationToken ? { cursor: output.NextContinuationToken } : {}),
        serverTime,
      }
    },
  }
}

import { ClientStatsRecorder } from '../client/client-stats.js'
import { InvalidRequest } from '../errors.js'
import type { S3Answer, S3FetchClient, S3Request } from '../s3/s3-fetch-client.js'
import { S3NetworkError, S3ResponseError } from '../s3/s3-response-error.js'
import { deleteObjectsBody, readDeleteErrors, readListResult } from '../s3/s3-xml-bodies.js'
import { fetchClientFromSdk, isSdkClient, type SdkS3ClientLike } from '../s3/sdk-client.js'
import { toBytes } from './bytes.js'
import { quoteEtag, unquoteEtag } from './etag.js'
import { assertDeleteBatch, assertPageSize, assertPutConditions, assertValidKey } from './keys.js'
import { type ProviderName, type ProviderQuirks, resolveQuirks } from './provider-quirks.js'
import { DEFAULT_RETRY, type RetryOptions, withRetry } from './retry.js'
import { isRetryable, sdkStatusOf, translateS3Error } from './s3-errors.js'
import type { DeleteManyResult, GetOptions, NotModified, ObjectStore, StoredObject } from './types.js'

/** Options for {@link s3Store}. */
export interface S3StoreOptions {
  /**
   * The S3 client: an {@link S3FetchClient} (what `S3ClientManager` makes), or an AWS SDK v3 `S3Client`,
   * whose region, endpoint and credential provider are used (its requests still go through `fetch`).
   */
  client: S3FetchClient | SdkS3ClientLike
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
  /** The fetch client the store sends with (for presigning and HEAD). */
  client(): Promise<S3FetchClient>
}

/** WHATWG URLs fold `.` and `..` path segments away, so such a key would silently name another object. */
const DOT_SEGMENT = /(^|\/)\.{1,2}(\/|$)/

/** The S3 errors the store translates; anything else thrown is a fault of the runtime or caller and propagates as it is. */
const isS3Failure = (error: unknown) =>
  error instanceof S3ResponseError || error instanceof S3NetworkError || sdkStatusOf(error) !== undefined

/**
 * An object store on S3 and S3-compatible servers (Ceph RGW, MinIO, R2) over `fetch`: no AWS SDK and no
 * Node built-in, so the same store runs on Node and Workers-style runtimes. Pass `provider: 'ceph'`
 * for RGW's quirks. Throttling, 5xx answers and lost connections are retried with jittered
 * exponential backoff; a failed precondition (412) never is, and a 5xx to a conditional write is not
 * retried blindly (it may have been applied). Errors that are not S3's (a `ReferenceError` in the
 * runtime, say) are thrown as they are, never reported as an outage.
 * @example
 * const store = s3Store({ client: new S3FetchClient({ region: 'us-east-1', credentials }), bucket: 'my-bucket' })
 */
export const s3Store = (options: S3StoreOptions): S3Store => {
  const given = options.client
  return storeOn(options, () => (isSdkClient(given) ? fetchClientFromSdk(given) : Promise.resolve(given as S3FetchClient)))
}

/**
 * @internal An S3 store on a fetch client (what `S3ClientManager` makes): {@link s3Store} without the
 * AWS SDK client adapter, so bundles that never pass an SDK client do not carry it.
 */
export const fetchS3Store = (options: S3StoreOptions & { client: S3FetchClient }): S3Store =>
  storeOn(options, () => Promise.resolve(options.client))

function storeOn(options: S3StoreOptions, resolveClient: () => Promise<S3FetchClient>): S3Store {
  const { bucket } = options
  const quirks = resolveQuirks(options.provider)
  const retry = { ...DEFAULT_RETRY, ...options.retry }
  const stats = options.stats ?? new ClientStatsRecorder()
  const ifMatchValue = (etag: string) => (quirks.unquotedIfMatch ? unquoteEtag(etag) : quoteEtag(etag))
  let fetchClient: Promise<S3FetchClient> | undefined
  const client = () => {
    if (!fetchClient) {
      fetchClient = resolveClient()
      fetchClient.catch(() => {
        fetchClient = undefined
      })
    }
    return fetchClient
  }

  /** Sends with retries; `passThrough` names statuses that are answers, not errors (a 404 to GET). */
  function send(request: Omit<S3Request, 'bucket'>, key: string | undefined, conditionalWrite = false, passThrough: number[] = []) {
    return withRetry(
      async (): Promise<S3Answer | S3ResponseError> => {
        const started = performance.now()
        try {
          const answer = await (await client()).send({ ...request, bucket })
          stats.request(request.operation, performance.now() - started)
          return answer
        } catch (error) {
          if (error instanceof S3ResponseError && passThrough.includes(error.$metadata.httpStatusCode)) {
            stats.request(request.operation, performance.now() - started)
            return error
          }
          if (!isS3Failure(error)) throw error
          const translated = translateS3Error(error, {
            operation: request.operation,
            key,
            conditionalWrite,
            serverErrorIsConflict: quirks.serverErrorOnConditionalPutIsConflict,
          })
          stats.request(request.operation, performance.now() - started, translated.code)
          throw translated
        }
      },
      (error) => isRetryable(error, conditionalWrite),
      { ...retry, onRetry: () => stats.retry() },
    )
  }

  const checkKey = (operation: string, key: string) => {
    assertValidKey(operation, key)
    if (DOT_SEGMENT.test(key)) {
      throw new InvalidRequest(operation, key, { message: `${operation}: S3 keys with "." or ".." path segments cannot be sent in a URL` })
    }
  }

  function get(key: string): Promise<StoredObject | null>
  function get(key: string, opts: GetOptions): Promise<StoredObject | NotModified | null>
  async function get(key: string, opts: GetOptions = {}): Promise<StoredObject | NotModified | null> {
    checkKey('get', key)
    const headers: Record<string, string> = opts.ifNoneMatch ? { 'If-None-Match': quoteEtag(opts.ifNoneMatch) } : {}
    const answer = await send({ method: 'GET', key, headers, operation: 'GetObject' }, key, false, [404, 304])
    if (answer instanceof S3ResponseError) {
      if (answer.$metadata.httpStatusCode === 404) return null
      return { notModified: true, key, etag: unquoteEtag(opts.ifNoneMatch ?? ''), serverTime: answer.serverTime ?? new Date() }
    }
    const modified = answer.headers.get('last-modified')
    const contentType = answer.headers.get('content-type')
    return {
      notModified: false,
      key,
      body: answer.body,
      etag: unquoteEtag(answer.headers.get('etag') ?? ''),
      lastModified: modified ? new Date(modified) : answer.serverTime,
      serverTime: answer.serverTime,
      ...(contentType ? { contentType } : {}),
    }
  }

  return {
    name: 's3',
    bucket,
    stats,
    client,
    capabilities: { conditionalDelete: quirks.conditionalDelete, timeResolutionMs: 1000 },
    get,
    async put(key, body, opts = {}) {
      checkKey('put', key)
      assertPutConditions(key, opts)
      const conditional = opts.ifMatch !== undefined || opts.ifNoneMatch !== undefined
      const headers: Record<string, string> = {
        ...(opts.contentType ? { 'Content-Type': opts.contentType } : {}),
        ...(opts.ifNoneMatch ? { 'If-None-Match': '*' } : {}),
        ...(opts.ifMatch !== undefined ? { 'If-Match': ifMatchValue(opts.ifMatch) } : {}),
      }
      const answer = await send(
        { method: 'PUT', key, headers, body: toBytes(body), operation: 'PutObject' },
        key,
        conditional,
        opts.ifMatch !== undefined ? [404] : [],
      )
      // AWS answers If-Match on a missing key with 404; the port (and RGW) call that a failed precondition.
      if (answer instanceof S3ResponseError) {
        throw translateS3Error(new S3ResponseError(412, 'PreconditionFailed', 'precondition failed: key is gone', answer.serverTime), {
          operation: 'PutObject',
          key,
          conditionalWrite: true,
          serverErrorIsConflict: false,
        })
      }
      return { etag: unquoteEtag(answer.headers.get('etag') ?? '') }
    },
    async delete(key, opts = {}) {
      checkKey('delete', key)
      const conditional = opts.ifMatch !== undefined && quirks.conditionalDelete
      const headers: Record<string, string> = conditional ? { 'If-Match': ifMatchValue(opts.ifMatch as string) } : {}
      await send({ method: 'DELETE', key, headers, operation: 'DeleteObject' }, key, conditional, [404])
    },
    async deleteMany(keys): Promise<DeleteManyResult> {
      assertDeleteBatch(keys)
      for (const key of keys) checkKey('deleteMany', key)
      if (keys.length === 0) return { deleted: [], errors: [] }
      const { body, contentMd5 } = deleteObjectsBody(keys)
      const headers = { 'Content-MD5': contentMd5, 'Content-Type': 'application/xml' }
      const answer = (await send(
        { method: 'POST', query: { delete: '' }, headers, body, operation: 'DeleteObjects' },
        undefined,
      )) as S3Answer
      const errors = readDeleteErrors(new TextDecoder().decode(answer.body))
      const failed = new Set(errors.map((e) => e.key))
      return { deleted: keys.filter((k) => !failed.has(k)), errors }
    },
    async list(prefix, opts = {}) {
      assertPageSize('list', opts.limit)
      const query: Record<string, string> = {
        'list-type': '2',
        'encoding-type': 'url',
        prefix,
        'max-keys': String(opts.limit ?? 1000),
        ...(opts.startAfter !== undefined ? { 'start-after': opts.startAfter } : {}),
        ...(opts.cursor !== undefined ? { 'continuation-token': opts.cursor } : {}),
        ...(opts.delimiter !== undefined ? { delimiter: opts.delimiter } : {}),
      }
      const answer = (await send({ method: 'GET', query, operation: 'ListObjectsV2' }, prefix)) as S3Answer
      const result = readListResult(new TextDecoder().decode(answer.body))
      return {
        objects: result.contents.map((o) => ({
          key: o.key,
          lastModified: o.lastModified ?? answer.serverTime,
          size: o.size,
          ...(o.etag ? { etag: unquoteEtag(o.etag) } : {}),
        })),
        commonPrefixes: result.commonPrefixes,
        ...(result.isTruncated && result.nextContinuationToken ? { cursor: result.nextContinuationToken } : {}),
        serverTime: answer.serverTime,
      }
    },
  }
}

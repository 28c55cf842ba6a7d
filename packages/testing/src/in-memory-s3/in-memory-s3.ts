import { isS3verlessError, type MemoryStore, memoryStore } from '@s3verless/core'
import { bodyOutput, readBody } from './bodies.js'
import { FaultRules, type FaultSpec, type S3Operation } from './faults.js'
import { s3HttpHandler } from './http-handler.js'
import { S3ServiceError } from './s3-error.js'
import type {
  BucketInput,
  CopyObjectInput,
  CopyObjectOutput,
  DeleteObjectInput,
  DeleteObjectsInput,
  DeleteObjectsOutput,
  GetObjectInput,
  GetObjectOutput,
  HeadObjectOutput,
  ListBucketsOutput,
  ListObjectsV2Input,
  ListObjectsV2Output,
  PutObjectInput,
  PutObjectOutput,
  RecordedRequest,
  ResponseMetadata,
  S3Operations,
} from './shapes.js'

/** Options for {@link InMemoryS3}. */
export interface InMemoryS3Options {
  /** Buckets that exist from the start (default none: create them with `createBucket`). */
  buckets?: readonly string[]
  /** The clock objects are stamped with (default `Date.now`). */
  now?: () => number
  /** Whether DeleteObject honours `IfMatch` (default true, as AWS S3; `false` behaves like Ceph RGW). */
  conditionalDelete?: boolean
  /** The region the SDK-client face reports (default `us-east-1`). */
  region?: string
}

interface Bucket {
  store: MemoryStore
  created: Date
  /** User metadata of each key, valid while the key's ETag is the one it was written with. */
  metadata: Map<string, { etag: string; metadata: Record<string, string> }>
}

const meta = (httpStatusCode: number): ResponseMetadata => ({ httpStatusCode, attempts: 1, totalRetryDelay: 0 })
const quote = (etag: string) => `"${etag}"`
const unquote = (etag: string) => etag.replace(/^W\//, '').replace(/^"(.*)"$/, '$1')
const MAX_KEYS = 1000
const ENDPOINT = 'http://in-memory-s3.test'

/**
 * An S3 in memory, on the engine of `memoryStore` (UTF-8 byte-order listing, conditional writes, a new
 * ETag per write), usable three ways:
 * - direct calls shaped as the AWS SDK's inputs and outputs: `putObject({ Bucket, Key, Body })`,
 *   `getObject`, `headObject`, `deleteObject`, `deleteObjects`, `listObjectsV2`, `copyObject`,
 *   `createBucket`…, failing with S3's error names (`NoSuchKey`, `NoSuchBucket`, `PreconditionFailed`);
 * - as an AWS SDK v3 `S3Client`: `send(new PutObjectCommand(…))` dispatches on the command's class, so
 *   code written against the SDK runs unchanged, and `s3Store({ client: s3, bucket })` runs on it;
 * - over S3's HTTP protocol through {@link fetch} (path style; signatures are not checked), which is
 *   how `S3ClientManager` and `S3FetchClient` reach it: `new S3ClientManager(s3.connection())`.
 *
 * Faults and latency are injected per operation and key pattern ({@link inject}); every request is
 * recorded in {@link requests}. Dispose of it (`using s3 = new InMemoryS3()`) or call {@link clear}.
 * Not modelled: versioning, multipart uploads, ranges, ACLs, checksums, signature checks.
 * @example
 * using s3 = new InMemoryS3({ buckets: ['test'] })
 * await s3.putObject({ Bucket: 'test', Key: 'data.json', Body: '{}' })
 * const got = await s3.getObject({ Bucket: 'test', Key: 'data.json' })
 * await got.Body.transformToString() // '{}'
 */
export class InMemoryS3 {
  /** Every request served, oldest first (cleared by {@link clear}). */
  readonly requests: RecordedRequest[] = []
  /**
   * The SDK client configuration `s3Store` reads from an `S3Client`: region, a fixed endpoint,
   * dummy credentials, and this S3's own `fetch`, through which `s3Store` then sends.
   */
  readonly config: {
    region: string
    credentials: () => Promise<{ accessKeyId: string; secretAccessKey: string }>
    endpoint: () => Promise<{ protocol: string; hostname: string; path: string }>
    forcePathStyle: true
    fetch: typeof fetch
  }
  private readonly buckets = new Map<string, Bucket>()
  private readonly faults = new FaultRules()
  private readonly options: InMemoryS3Options
  private disposed = false

  constructor(options: InMemoryS3Options = {}) {
    this.options = options
    for (const name of options.buckets ?? []) this.buckets.set(name, this.newBucket())
    this.config = {
      region: options.region ?? 'us-east-1',
      credentials: async () => ({ accessKeyId: 'in-memory', secretAccessKey: 'in-memory' }),
      endpoint: async () => ({ protocol: 'http:', hostname: 'in-memory-s3.test', path: '/' }),
      forcePathStyle: true,
      fetch: this.fetch,
    }
  }

  /**
   * Connection options for `S3ClientManager` (and `S3FetchClient`): requests go through {@link fetch}.
   * @example
   * const manager = new S3ClientManager({ ...s3.connection(), bucket: 'test' })
   */
  connection(): {
    endpoint: string
    region: string
    accessKeyId: string
    secretAccessKey: string
    forcePathStyle: true
    fetch: typeof fetch
  } {
    return {
      endpoint: ENDPOINT,
      region: this.config.region,
      accessKeyId: 'in-memory',
      secretAccessKey: 'in-memory',
      forcePathStyle: true,
      fetch: this.fetch,
    }
  }

  /**
   * Serves one S3 REST request (path style, `http://in-memory-s3.test/bucket/key`): a `fetch` for
   * `S3FetchClient` and `S3ClientManager`. Errors are S3's XML error answers; an injected `Error` is
   * thrown, as a lost connection is.
   */
  readonly fetch: typeof fetch = (input, init) => s3HttpHandler(this, new Request(input, init))

  /**
   * Adds a fault or delay rule; returns a function that removes it.
   * @example
   * s3.inject({ op: 'PutObject', key: /^users\//, error: 'SlowDown', times: 1 })
   * s3.inject({ op: ['GetObject', 'ListObjectsV2'], latencyMs: 20 })
   */
  inject(spec: FaultSpec): () => void {
    return this.faults.add(spec)
  }

  /** Removes every fault rule. */
  clearFaults(): void {
    this.faults.clear()
  }

  /** Removes every bucket made after construction, empties the rest, forgets requests and faults. */
  clear(): void {
    const initial = new Set(this.options.buckets ?? [])
    for (const [name, bucket] of this.buckets) {
      if (initial.has(name)) {
        bucket.store.clear()
        bucket.metadata.clear()
      } else this.buckets.delete(name)
    }
    this.requests.length = 0
    this.faults.clear()
  }

  /** Every key of a bucket in UTF-8 byte order (for assertions; not recorded as a request). */
  keys(bucket: string): readonly string[] {
    return this.bucket(bucket).store.keys()
  }

  /** Empties everything; later calls throw. Same as `destroy()` (the SDK client's name). */
  [Symbol.dispose](): void {
    this.clear()
    this.buckets.clear()
    this.disposed = true
  }

  /** Same as `[Symbol.dispose]()`. */
  destroy(): void {
    this[Symbol.dispose]()
  }

  /**
   * The AWS SDK v3 client's entry point: dispatches on the command's class name (`PutObjectCommand` →
   * `putObject(command.input)`), so `S3Client`-shaped code runs on this unchanged.
   * @throws S3ServiceError `NotImplemented` for a command it does not serve.
   */
  async send(command: { input?: unknown }): Promise<unknown> {
    const op = command?.constructor?.name?.replace(/Command$/, '') as S3Operation
    if (!(op in HANDLERS)) {
      throw new S3ServiceError('NotImplemented', `InMemoryS3 does not implement ${command?.constructor?.name ?? String(command)}`)
    }
    return this.dispatch(op, (command.input ?? {}) as never, 'sdk')
  }

  putObject(input: PutObjectInput): Promise<PutObjectOutput> {
    return this.dispatch('PutObject', input, 'direct')
  }
  getObject(input: GetObjectInput): Promise<GetObjectOutput> {
    return this.dispatch('GetObject', input, 'direct')
  }
  headObject(input: GetObjectInput): Promise<HeadObjectOutput> {
    return this.dispatch('HeadObject', input, 'direct')
  }
  deleteObject(input: DeleteObjectInput): Promise<{ $metadata: ResponseMetadata }> {
    return this.dispatch('DeleteObject', input, 'direct')
  }
  deleteObjects(input: DeleteObjectsInput): Promise<DeleteObjectsOutput> {
    return this.dispatch('DeleteObjects', input, 'direct')
  }
  listObjectsV2(input: ListObjectsV2Input): Promise<ListObjectsV2Output> {
    return this.dispatch('ListObjectsV2', input, 'direct')
  }
  copyObject(input: CopyObjectInput): Promise<CopyObjectOutput> {
    return this.dispatch('CopyObject', input, 'direct')
  }
  createBucket(input: BucketInput): Promise<{ $metadata: ResponseMetadata; Location: string }> {
    return this.dispatch('CreateBucket', input, 'direct')
  }
  headBucket(input: BucketInput): Promise<{ $metadata: ResponseMetadata }> {
    return this.dispatch('HeadBucket', input, 'direct')
  }
  deleteBucket(input: BucketInput): Promise<{ $metadata: ResponseMetadata }> {
    return this.dispatch('DeleteBucket', input, 'direct')
  }
  listBuckets(input: Record<string, never> = {}): Promise<ListBucketsOutput> {
    return this.dispatch('ListBuckets', input, 'direct')
  }

  /** @internal Runs one operation with fault injection and recording (shared by every face). */
  async dispatch<K extends keyof S3Operations>(op: K, input: S3Operations[K][0], via: RecordedRequest['via']): Promise<S3Operations[K][1]> {
    if (this.disposed) throw new Error('InMemoryS3: used after it was disposed')
    const i = input as { Bucket?: string; Key?: string; IfMatch?: string; IfNoneMatch?: string; CopySourceIfMatch?: string }
    const record: RecordedRequest = {
      op,
      via,
      status: 0,
      ...(i.Bucket !== undefined ? { bucket: i.Bucket } : {}),
      ...(i.Key !== undefined ? { key: i.Key } : {}),
      ...((i.IfMatch ?? i.CopySourceIfMatch) !== undefined ? { ifMatch: (i.IfMatch ?? i.CopySourceIfMatch) as string } : {}),
      ...(i.IfNoneMatch !== undefined ? { ifNoneMatch: i.IfNoneMatch } : {}),
    }
    this.requests.push(record)
    const plan = this.faults.plan(op, i.Bucket, i.Key)
    try {
      if (plan.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, plan.latencyMs))
      if (plan.error && plan.when === 'before') throw plan.error
      const output = (await (HANDLERS[op] as Handler<K>)(this, input)) as S3Operations[K][1]
      if (plan.error) throw plan.error
      record.status = output.$metadata.httpStatusCode
      return output
    } catch (error) {
      const e = error as { name?: string; $metadata?: { httpStatusCode?: number } }
      record.status = e.$metadata?.httpStatusCode ?? 0
      record.error = e.name ?? 'Error'
      throw error
    }
  }

  /** @internal A bucket, or `NoSuchBucket`. */
  bucket(name: string | undefined): Bucket {
    const found = name === undefined ? undefined : this.buckets.get(name)
    if (!found) throw new S3ServiceError('NoSuchBucket', `The specified bucket does not exist: ${name}`, name ? { bucket: name } : {})
    return found
  }

  /** @internal The clock objects and answers are stamped with. */
  clock(): number {
    return this.options.now?.() ?? Date.now()
  }

  /** @internal */
  bucketNames(): Map<string, Bucket> {
    return this.buckets
  }

  /** @internal */
  newBucket(): Bucket {
    return {
      store: memoryStore({
        timeResolutionMs: 1000,
        ...(this.options.now ? { now: this.options.now } : {}),
        ...(this.options.conditionalDelete !== undefined ? { conditionalDelete: this.options.conditionalDelete } : {}),
      }),
      created: new Date(this.clock()),
      metadata: new Map(),
    }
  }
}

type Handler<K extends keyof S3Operations> = (s3: InMemoryS3, input: S3Operations[K][0]) => Promise<S3Operations[K][1]>

/** Maps a store error (our port's) to S3's: the port and S3 disagree only in names. */
function asS3Error(error: unknown, bucket: string, key: string): unknown {
  if (isS3verlessError(error, 'store.preconditionFailed'))
    return new S3ServiceError('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', { bucket, key })
  if (isS3verlessError(error, 'store.invalidRequest'))
    return new S3ServiceError('InvalidArgument', (error as Error).message, { bucket, key })
  return error
}

function requireKey(key: unknown, bucket: string): string {
  if (typeof key !== 'string' || key === '') throw new S3ServiceError('InvalidArgument', 'Key is required', { bucket })
  return key
}

async function read(s3: InMemoryS3, input: GetObjectInput, head: boolean) {
  const b = s3.bucket(input.Bucket)
  const key = requireKey(input.Key, input.Bucket)
  const got = await b.store.get(key).catch((e) => {
    throw asS3Error(e, input.Bucket, key)
  })
  const where = { bucket: input.Bucket, key }
  if (!got) throw new S3ServiceError(head ? 'NotFound' : 'NoSuchKey', 'The specified key does not exist.', where)
  if (input.IfMatch !== undefined && input.IfMatch !== '*' && unquote(input.IfMatch) !== got.etag) {
    throw new S3ServiceError('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', where)
  }
  if (input.IfNoneMatch !== undefined && (input.IfNoneMatch === '*' || unquote(input.IfNoneMatch) === got.etag)) {
    throw new S3ServiceError('NotModified', 'Not Modified', where)
  }
  const stored = b.metadata.get(key)
  return {
    body: got.body,
    head: {
      $metadata: meta(200),
      ETag: quote(got.etag),
      LastModified: got.lastModified,
      ContentLength: got.body.length,
      ContentType: got.contentType ?? 'binary/octet-stream',
      Metadata: stored?.etag === got.etag ? { ...stored.metadata } : {},
    } satisfies HeadObjectOutput,
  }
}

async function write(
  s3: InMemoryS3,
  bucket: string,
  key: string,
  bytes: Uint8Array,
  opts: { IfMatch?: string; IfNoneMatch?: string; ContentType?: string; Metadata?: Record<string, string> },
): Promise<string> {
  const b = s3.bucket(bucket)
  const where = { bucket, key }
  if (opts.IfNoneMatch !== undefined && opts.IfNoneMatch !== '*') {
    throw new S3ServiceError('InvalidArgument', 'If-None-Match on a write accepts only "*"', where)
  }
  try {
    const { etag } = await b.store.put(key, bytes, {
      ...(opts.ContentType ? { contentType: opts.ContentType } : {}),
      ...(opts.IfNoneMatch ? { ifNoneMatch: '*' as const } : {}),
      ...(opts.IfMatch !== undefined ? { ifMatch: unquote(opts.IfMatch) } : {}),
    })
    if (opts.Metadata && Object.keys(opts.Metadata).length > 0) b.metadata.set(key, { etag, metadata: { ...opts.Metadata } })
    else b.metadata.delete(key)
    return etag
  } catch (error) {
    // AWS answers If-Match on a missing key with 404 NoSuchKey, not 412.
    if (opts.IfMatch !== undefined && isS3verlessError(error, 'store.preconditionFailed') && !(await b.store.get(key))) {
      throw new S3ServiceError('NoSuchKey', 'The specified key does not exist.', where)
    }
    throw asS3Error(error, bucket, key)
  }
}

const HANDLERS: { [K in keyof S3Operations]: Handler<K> } = {
  async PutObject(s3, input) {
    const key = requireKey(input.Key, input.Bucket)
    s3.bucket(input.Bucket)
    const etag = await write(s3, input.Bucket, key, await readBody(input.Body), input)
    return { $metadata: meta(200), ETag: quote(etag) }
  },
  async GetObject(s3, input) {
    const { body, head } = await read(s3, input, false)
    return { ...head, Body: bodyOutput(body) }
  },
  async HeadObject(s3, input) {
    return (await read(s3, input, true)).head
  },
  async DeleteObject(s3, input) {
    const b = s3.bucket(input.Bucket)
    const key = requireKey(input.Key, input.Bucket)
    if (input.IfMatch !== undefined && b.store.capabilities.conditionalDelete && !(await b.store.get(key))) {
      throw new S3ServiceError('NoSuchKey', 'The specified key does not exist.', { bucket: input.Bucket, key })
    }
    await b.store.delete(key, input.IfMatch !== undefined ? { ifMatch: unquote(input.IfMatch) } : {}).catch((e) => {
      throw asS3Error(e, input.Bucket, key)
    })
    b.metadata.delete(key)
    return { $metadata: meta(204) }
  },
  async DeleteObjects(s3, input) {
    const b = s3.bucket(input.Bucket)
    const keys = (input.Delete?.Objects ?? []).map((o) => o.Key)
    if (keys.length === 0 || keys.length > 1000) {
      throw new S3ServiceError('MalformedXML', `DeleteObjects takes 1 to 1000 keys, got ${keys.length}`, { bucket: input.Bucket })
    }
    await b.store.deleteMany(keys)
    for (const key of keys) b.metadata.delete(key)
    return { $metadata: meta(200), Deleted: input.Delete.Quiet ? [] : keys.map((Key) => ({ Key })), Errors: [] }
  },
  async ListObjectsV2(s3, input) {
    const b = s3.bucket(input.Bucket)
    const maxKeys = input.MaxKeys === undefined ? MAX_KEYS : Math.min(MAX_KEYS, Math.trunc(input.MaxKeys))
    if (!(maxKeys >= 0)) throw new S3ServiceError('InvalidArgument', `MaxKeys must be ≥ 0, got ${input.MaxKeys}`, { bucket: input.Bucket })
    const prefix = input.Prefix ?? ''
    const page =
      maxKeys === 0
        ? { objects: [], commonPrefixes: [], cursor: undefined }
        : await b.store
            .list(prefix, {
              limit: maxKeys,
              ...(input.Delimiter ? { delimiter: input.Delimiter } : {}),
              ...(input.StartAfter !== undefined && input.ContinuationToken === undefined ? { startAfter: input.StartAfter } : {}),
              ...(input.ContinuationToken !== undefined ? { cursor: input.ContinuationToken } : {}),
            })
            .catch((e) => {
              throw new S3ServiceError('InvalidArgument', `ListObjectsV2: ${(e as Error).message}`, { bucket: input.Bucket })
            })
    return {
      $metadata: meta(200),
      Name: input.Bucket,
      Prefix: prefix,
      ...(input.Delimiter ? { Delimiter: input.Delimiter } : {}),
      MaxKeys: maxKeys,
      KeyCount: page.objects.length + page.commonPrefixes.length,
      IsTruncated: page.cursor !== undefined,
      Contents: page.objects.map((o) => ({
        Key: o.key,
        LastModified: o.lastModified,
        ETag: quote(o.etag ?? ''),
        Size: o.size,
        StorageClass: 'STANDARD' as const,
      })),
      CommonPrefixes: page.commonPrefixes.map((Prefix) => ({ Prefix })),
      ...(input.ContinuationToken !== undefined ? { ContinuationToken: input.ContinuationToken } : {}),
      ...(page.cursor !== undefined ? { NextContinuationToken: page.cursor } : {}),
      ...(input.StartAfter !== undefined ? { StartAfter: input.StartAfter } : {}),
    }
  },
  async CopyObject(s3, input) {
    const key = requireKey(input.Key, input.Bucket)
    const source = (input.CopySource ?? '').replace(/^\//, '').replace(/\?versionId=.*$/, '')
    const slash = source.indexOf('/')
    if (slash <= 0)
      throw new S3ServiceError('InvalidArgument', `CopySource must be "bucket/key", got ${JSON.stringify(input.CopySource)}`, {
        bucket: input.Bucket,
        key,
      })
    const from = { Bucket: decodeURIComponent(source.slice(0, slash)), Key: decodeURIComponent(source.slice(slash + 1)) }
    s3.bucket(input.Bucket)
    const { body, head } = await read(s3, { ...from, ...(input.CopySourceIfMatch ? { IfMatch: input.CopySourceIfMatch } : {}) }, false)
    const replace = input.MetadataDirective === 'REPLACE'
    const etag = await write(s3, input.Bucket, key, body, {
      ...(input.IfMatch !== undefined ? { IfMatch: input.IfMatch } : {}),
      ...(input.IfNoneMatch !== undefined ? { IfNoneMatch: input.IfNoneMatch } : {}),
      ContentType: replace ? (input.ContentType ?? 'binary/octet-stream') : head.ContentType,
      Metadata: replace ? (input.Metadata ?? {}) : head.Metadata,
    })
    const written = await s3.bucket(input.Bucket).store.get(key)
    return { $metadata: meta(200), CopyObjectResult: { ETag: quote(etag), LastModified: written?.lastModified ?? new Date() } }
  },
  async CreateBucket(s3, input) {
    const name = input.Bucket
    if (typeof name !== 'string' || !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(name)) {
      throw new S3ServiceError('InvalidBucketName', `The specified bucket is not valid: ${JSON.stringify(name)}`)
    }
    if (s3.bucketNames().has(name))
      throw new S3ServiceError('BucketAlreadyOwnedByYou', `Bucket ${name} already exists and is yours`, { bucket: name })
    s3.bucketNames().set(name, s3.newBucket())
    return { $metadata: meta(200), Location: `/${name}` }
  },
  async HeadBucket(s3, input) {
    try {
      s3.bucket(input.Bucket)
    } catch {
      throw new S3ServiceError('NotFound', 'Not Found', { bucket: input.Bucket })
    }
    return { $metadata: meta(200) }
  },
  async DeleteBucket(s3, input) {
    const b = s3.bucket(input.Bucket)
    if (b.store.keys().length > 0)
      throw new S3ServiceError('BucketNotEmpty', 'The bucket you tried to delete is not empty', { bucket: input.Bucket })
    s3.bucketNames().delete(input.Bucket)
    return { $metadata: meta(204) }
  },
  async ListBuckets(s3) {
    const Buckets = [...s3.bucketNames()].map(([Name, b]) => ({ Name, CreationDate: b.created })).sort((a, b) => (a.Name < b.Name ? -1 : 1))
    return { $metadata: meta(200), Buckets }
  },
}

/**
 * A new {@link InMemoryS3}, for a test's scope: `using s3 = mockS3Client()` empties it when the scope
 * ends. Pass it where an `S3Client` is expected (`s3 as unknown as S3Client`), to `s3Store`, or its
 * {@link InMemoryS3.connection} to `S3ClientManager`.
 * @example
 * using s3 = mockS3Client({ buckets: ['test'] })
 * await s3.send(new PutObjectCommand({ Bucket: 'test', Key: 'a', Body: 'x' }))
 */
export const mockS3Client = (options: InMemoryS3Options = {}): InMemoryS3 => new InMemoryS3(options)

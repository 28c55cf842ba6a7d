import {
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3'
import { isS3verlessError, S3ClientManager, s3Store } from '@s3verless/core'
import { describe, expect, it } from 'vitest'
import { InMemoryS3, mockS3Client } from '../src/index.js'

/** Code written against the SDK, knowing nothing of the mock. */
async function saveThenLoad(client: S3Client, bucket: string, key: string, value: unknown) {
  const put = await client.send(
    new PutObjectCommand({ Bucket: bucket, Key: key, Body: JSON.stringify(value), ContentType: 'application/json' }),
  )
  const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }))
  return { put, got, text: await got.Body?.transformToString() }
}

/** How code typed against the SDK sees the mock. */
const sdk = (s3: InMemoryS3) => s3 as unknown as S3Client

const failure = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: { name: string; $metadata: { httpStatusCode: number } }) => e,
  )

describe('InMemoryS3 through the AWS SDK v3 command objects', () => {
  it('runs S3Client-shaped code unchanged: put, get with Body mixins, quoted ETag, length, type, date', async () => {
    using s3 = mockS3Client()
    await sdk(s3).send(new CreateBucketCommand({ Bucket: 'shop' }))
    const { put, got, text } = await saveThenLoad(s3 as unknown as S3Client, 'shop', 'a/1.json', { name: 'Zoë' })
    expect(text).toBe('{"name":"Zoë"}')
    expect(put.ETag).toMatch(/^"[^"]+"$/)
    expect(got.ETag).toBe(put.ETag)
    expect(got.ContentLength).toBe(new TextEncoder().encode(text).length)
    expect(got.ContentType).toBe('application/json')
    expect(Math.abs((got.LastModified?.getTime() ?? 0) - Date.now())).toBeLessThan(5_000)
    expect(got.$metadata.httpStatusCode).toBe(200)
    const bytes = await (await sdk(s3).send(new GetObjectCommand({ Bucket: 'shop', Key: 'a/1.json' }))).Body?.transformToByteArray()
    expect(bytes).toBeInstanceOf(Uint8Array)
    const head = await sdk(s3).send(new HeadObjectCommand({ Bucket: 'shop', Key: 'a/1.json' }))
    expect(head.ETag).toBe(put.ETag)
    expect((head as { Body?: unknown }).Body).toBeUndefined()
  })

  it("answers with S3's error names and statuses: NoSuchKey, NotFound on HEAD, NoSuchBucket", async () => {
    using s3 = new InMemoryS3({ buckets: ['b'] })
    const missing = await failure(sdk(s3).send(new GetObjectCommand({ Bucket: 'b', Key: 'nope' })))
    expect(missing).toMatchObject({ name: 'NoSuchKey', $metadata: { httpStatusCode: 404 } })
    expect(await failure(sdk(s3).send(new HeadObjectCommand({ Bucket: 'b', Key: 'nope' })))).toMatchObject({ name: 'NotFound' })
    expect(await failure(sdk(s3).send(new PutObjectCommand({ Bucket: 'other', Key: 'k', Body: 'x' })))).toMatchObject({
      name: 'NoSuchBucket',
      $metadata: { httpStatusCode: 404 },
    })
    await expect(sdk(s3).send(new DeleteObjectCommand({ Bucket: 'b', Key: 'nope' }))).resolves.toMatchObject({
      $metadata: { httpStatusCode: 204 },
    })
    expect(await failure(s3.send({ input: {} }))).toMatchObject({ name: 'NotImplemented' })
  })

  it('honours IfNoneMatch, IfMatch on writes and reads, and If-Match on DeleteObject', async () => {
    using s3 = new InMemoryS3({ buckets: ['b'] })
    const first = await sdk(s3).send(new PutObjectCommand({ Bucket: 'b', Key: 'k', Body: 'one', IfNoneMatch: '*' }))
    const again = await failure(sdk(s3).send(new PutObjectCommand({ Bucket: 'b', Key: 'k', Body: 'two', IfNoneMatch: '*' })))
    expect(again).toMatchObject({ name: 'PreconditionFailed', $metadata: { httpStatusCode: 412 } })
    const second = await sdk(s3).send(new PutObjectCommand({ Bucket: 'b', Key: 'k', Body: 'two', IfMatch: first.ETag }))
    expect(await failure(sdk(s3).send(new PutObjectCommand({ Bucket: 'b', Key: 'k', Body: 'stale', IfMatch: first.ETag })))).toMatchObject({
      name: 'PreconditionFailed',
    })
    // AWS answers If-Match on a missing key with 404.
    expect(await failure(sdk(s3).send(new PutObjectCommand({ Bucket: 'b', Key: 'gone', Body: 'x', IfMatch: first.ETag })))).toMatchObject({
      name: 'NoSuchKey',
    })
    expect(await failure(sdk(s3).send(new GetObjectCommand({ Bucket: 'b', Key: 'k', IfNoneMatch: second.ETag })))).toMatchObject({
      $metadata: { httpStatusCode: 304 },
    })
    expect(await failure(sdk(s3).send(new GetObjectCommand({ Bucket: 'b', Key: 'k', IfMatch: first.ETag })))).toMatchObject({
      name: 'PreconditionFailed',
    })
    expect(await failure(sdk(s3).send(new DeleteObjectCommand({ Bucket: 'b', Key: 'k', IfMatch: first.ETag })))).toMatchObject({
      name: 'PreconditionFailed',
    })
    expect(await (await s3.getObject({ Bucket: 'b', Key: 'k' })).Body.transformToString()).toBe('two')
    await sdk(s3).send(new DeleteObjectCommand({ Bucket: 'b', Key: 'k', IfMatch: second.ETag }))
    expect(s3.keys('b')).toEqual([])
  })

  it('lists in UTF-8 byte order with MaxKeys, ContinuationToken, StartAfter, Prefix and Delimiter', async () => {
    using s3 = new InMemoryS3({ buckets: ['b'] })
    const keys = ['p/é', 'p/Z', 'p/a', 'p/~', 'p/dir/1', 'p/dir/2', 'p/b', 'q/x']
    for (const Key of keys) await s3.putObject({ Bucket: 'b', Key, Body: Key })
    const seen: string[] = []
    let token: string | undefined
    let pages = 0
    do {
      const page = await sdk(s3).send(
        new ListObjectsV2Command({ Bucket: 'b', Prefix: 'p/', MaxKeys: 2, ...(token ? { ContinuationToken: token } : {}) }),
      )
      expect(page.KeyCount).toBeLessThanOrEqual(2)
      seen.push(...(page.Contents ?? []).map((c) => c.Key as string))
      token = page.IsTruncated ? page.NextContinuationToken : undefined
      pages++
    } while (token)
    // Byte order: 'Z' (0x5A) < 'a' < 'b' < 'd' < '~' (0x7E) < 'é' (0xC3 0xA9); a locale sort would differ.
    expect(seen).toEqual(['p/Z', 'p/a', 'p/b', 'p/dir/1', 'p/dir/2', 'p/~', 'p/é'])
    expect(pages).toBe(4)
    const after = await s3.listObjectsV2({ Bucket: 'b', Prefix: 'p/', StartAfter: 'p/dir/2' })
    expect(after.Contents.map((c) => c.Key)).toEqual(['p/~', 'p/é'])
    const folders = await sdk(s3).send(new ListObjectsV2Command({ Bucket: 'b', Prefix: 'p/', Delimiter: '/' }))
    expect(folders.CommonPrefixes).toEqual([{ Prefix: 'p/dir/' }])
    expect(folders.Contents?.map((c) => c.Key)).not.toContain('p/dir/1')
    expect(folders.Contents?.[0]?.ETag).toMatch(/^"/)
  })

  it('copies with metadata, and deletes many at once', async () => {
    using s3 = new InMemoryS3({ buckets: ['b', 'c'] })
    await sdk(s3).send(
      new PutObjectCommand({ Bucket: 'b', Key: 'src key', Body: 'body', ContentType: 'text/plain', Metadata: { owner: 'ann' } }),
    )
    const copy = await sdk(s3).send(new CopyObjectCommand({ Bucket: 'c', Key: 'dst', CopySource: `b/${encodeURIComponent('src key')}` }))
    expect(copy.CopyObjectResult?.ETag).toMatch(/^"/)
    const head = await sdk(s3).send(new HeadObjectCommand({ Bucket: 'c', Key: 'dst' }))
    expect(head).toMatchObject({ ContentType: 'text/plain', Metadata: { owner: 'ann' }, ContentLength: 4 })
    expect(await failure(sdk(s3).send(new CopyObjectCommand({ Bucket: 'c', Key: 'x', CopySource: 'b/missing' })))).toMatchObject({
      name: 'NoSuchKey',
    })
    const out = await sdk(s3).send(new DeleteObjectsCommand({ Bucket: 'c', Delete: { Objects: [{ Key: 'dst' }, { Key: 'never' }] } }))
    expect(out.Deleted?.map((d) => d.Key)).toEqual(['dst', 'never'])
    expect(s3.keys('c')).toEqual([])
  })
})

describe('InMemoryS3 under s3Store and S3ClientManager', () => {
  it('records each request with its operation, key and conditional headers', async () => {
    using s3 = new InMemoryS3({ buckets: ['b'] })
    const store = s3Store({ client: s3, bucket: 'b' })
    const { etag } = await store.put('users/1', 'x', { ifNoneMatch: '*' })
    await store.put('users/1', 'y', { ifMatch: etag })
    await store.get('users/1')
    expect(s3.requests.map(({ op, key, ifMatch, ifNoneMatch, via, status }) => ({ op, key, ifMatch, ifNoneMatch, via, status }))).toEqual([
      { op: 'PutObject', key: 'users/1', ifMatch: undefined, ifNoneMatch: '*', via: 'http', status: 200 },
      { op: 'PutObject', key: 'users/1', ifMatch: `"${etag}"`, ifNoneMatch: undefined, via: 'http', status: 200 },
      { op: 'GetObject', key: 'users/1', ifMatch: undefined, ifNoneMatch: undefined, via: 'http', status: 200 },
    ])
  })

  it('injects S3 errors per operation and key pattern, a limited number of times', async () => {
    using s3 = new InMemoryS3({ buckets: ['b'] })
    const store = s3Store({ client: s3, bucket: 'b', retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2 } })
    s3.inject({ op: 'PutObject', key: /^users\//, error: 'SlowDown', times: 2 })
    await store.put('orders/1', 'untouched by the rule')
    await store.put('users/1', 'x')
    const puts = s3.requests.filter((r) => r.key === 'users/1')
    expect(puts.map((r) => r.error ?? r.status)).toEqual(['SlowDown', 'SlowDown', 200])
    s3.inject({ op: 'GetObject', error: 'AccessDenied' })
    expect(isS3verlessError(await store.get('users/1').catch((e) => e), 'store.accessDenied')).toBe(true)
    s3.clearFaults()
    expect(await store.get('users/1')).not.toBeNull()
  })

  it("injects a fault after the write is applied, and a lost connection (an Error) as 'unavailable'", async () => {
    using s3 = new InMemoryS3({ buckets: ['b'] })
    s3.inject({ op: 'PutObject', key: 'k', error: 'InternalError', when: 'after', times: 1 })
    await expect(s3.putObject({ Bucket: 'b', Key: 'k', Body: 'applied' })).rejects.toMatchObject({ name: 'InternalError' })
    expect(await (await s3.getObject({ Bucket: 'b', Key: 'k' })).Body.transformToString()).toBe('applied')
    const manager = new S3ClientManager({ ...s3.connection(), bucket: 'b', retry: { maxAttempts: 1 } })
    s3.inject({ op: 'GetObject', error: new Error('socket hang up') })
    expect(
      isS3verlessError(
        await manager
          .store()
          .get('k')
          .catch((e) => e),
        'store.unavailable',
      ),
    ).toBe(true)
  })

  it('adds injected latency to matching requests only', async () => {
    using s3 = new InMemoryS3({ buckets: ['b'] })
    s3.inject({ op: 'GetObject', latencyMs: 150 })
    await s3.putObject({ Bucket: 'b', Key: 'k', Body: 'x' })
    let started = performance.now()
    await s3.headObject({ Bucket: 'b', Key: 'k' })
    expect(performance.now() - started).toBeLessThan(150)
    started = performance.now()
    await s3.getObject({ Bucket: 'b', Key: 'k' })
    expect(performance.now() - started).toBeGreaterThanOrEqual(145)
  })

  it('is scoped: clear() empties it, disposal ends it', async () => {
    const outer = new InMemoryS3({ buckets: ['b'] })
    {
      using s3 = outer
      await s3.createBucket({ Bucket: 'made-later' })
      await s3.putObject({ Bucket: 'b', Key: 'k', Body: 'x' })
      s3.clear()
      expect(s3.keys('b')).toEqual([])
      expect((await s3.listBuckets()).Buckets.map((b) => b.Name)).toEqual(['b'])
      expect(s3.requests).toHaveLength(1)
    }
    await expect(outer.getObject({ Bucket: 'b', Key: 'k' })).rejects.toThrow(/disposed/)
  })
})

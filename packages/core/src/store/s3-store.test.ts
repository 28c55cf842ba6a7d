import { describe, expect, it } from 'vitest'
import { isS3verlessError } from '../errors.js'
import { S3FetchClient } from '../s3/s3-fetch-client.js'
import { s3Store } from './s3-store.js'

type Answer = (request: Request) => Response | Promise<Response>

/** A fetch client whose "server" answers each request from a script: fast checks of signing, retries and error mapping. */
function scripted(answers: Answer[]) {
  const seen: Request[] = []
  const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init)
    seen.push(request)
    const answer = answers.shift()
    if (!answer) throw new Error('no scripted answer left')
    return answer(request)
  }
  const client = new S3FetchClient({ endpoint: 'http://s3.test', credentials: { accessKeyId: 'k', secretAccessKey: 's' }, fetch })
  return { client, seen }
}

const xmlError = (code: string, status: number) => () =>
  new Response(`<?xml version="1.0"?><Error><Code>${code}</Code><Message>scripted ${code}</Message></Error>`, { status })
const ok =
  (headers: Record<string, string> = {}, body = '') =>
  () =>
    new Response(body, { status: 200, headers })
const retry = { baseDelayMs: 1, maxDelayMs: 2 }

describe('s3Store (scripted fetch)', () => {
  it('signs path-style requests with SigV4 and percent-encodes keys', async () => {
    const { client, seen } = scripted([ok({ etag: '"abc"' })])
    await s3Store({ client, bucket: 'b' }).put('dir/plus+sign é?#', 'v')
    expect(seen[0]?.url).toBe('http://s3.test/b/dir/plus%2Bsign%20%C3%A9%3F%23')
    expect(seen[0]?.headers.get('authorization')).toMatch(/^AWS4-HMAC-SHA256 Credential=k\/\d{8}\/us-east-1\/s3\/aws4_request/)
  })

  it('retries throttling and 5xx with backoff, then succeeds', async () => {
    const { client, seen } = scripted([xmlError('SlowDown', 503), xmlError('InternalError', 500), ok({ etag: '"abc"' })])
    const store = s3Store({ client, bucket: 'b', retry })
    await expect(store.put('k', 'v')).resolves.toEqual({ etag: 'abc' })
    expect(seen).toHaveLength(3)
    expect(store.stats.snapshot()).toMatchObject({ retries: 2, totalRequests: 3, errors: { 'store.throttled': 1, 'store.unavailable': 1 } })
  })

  it('retries a request that got no answer, and reports an outage naming the cause', async () => {
    const refused = () => {
      throw new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' }) })
    }
    const { client, seen } = scripted([refused, refused])
    const error = await s3Store({ client, bucket: 'b', retry: { ...retry, maxAttempts: 2 } })
      .get('k')
      .catch((e) => e)
    expect(error.code).toBe('store.unavailable')
    expect(error.message).toContain('ECONNREFUSED')
    expect(seen).toHaveLength(2)
  })

  it('lets a fault of the runtime through as it is: no retry, not reported as an outage', async () => {
    const broken = () => {
      throw new ReferenceError('DOMParser is not defined')
    }
    const { client, seen } = scripted([broken, broken])
    const store = s3Store({ client, bucket: 'b', retry })
    const fromFetch = await store.get('k').catch((e) => e)
    expect(fromFetch).toBeInstanceOf(ReferenceError)
    expect(seen).toHaveLength(1)
    expect(store.stats.snapshot().retries).toBe(0)
    const reading = s3Store({
      client: new S3FetchClient({
        credentials: () => {
          throw new ReferenceError('crypto is not defined')
        },
      }),
      bucket: 'b',
      retry,
    })
    const error = await reading.get('k').catch((e) => e)
    expect(error).toBeInstanceOf(ReferenceError)
    expect(error.message).toBe('crypto is not defined')
    expect(reading.stats.snapshot().retries).toBe(0)
  })

  it('never retries a failed precondition', async () => {
    const { client, seen } = scripted([xmlError('PreconditionFailed', 412)])
    const error = await s3Store({ client, bucket: 'b', retry })
      .put('k', 'v', { ifNoneMatch: '*' })
      .catch((e) => e)
    expect(isS3verlessError(error, 'store.preconditionFailed')).toBe(true)
    expect(seen).toHaveLength(1)
    expect(seen[0]?.headers.get('if-none-match')).toBe('*')
  })

  it('does not blindly retry a conditional write that met a 5xx; Ceph losers become conflicts', async () => {
    const aws = scripted([xmlError('InternalError', 500)])
    const e1 = await s3Store({ client: aws.client, bucket: 'b', retry })
      .put('k', 'v', { ifNoneMatch: '*' })
      .catch((e) => e)
    expect(isS3verlessError(e1, 'store.unavailable')).toBe(true)
    expect(aws.seen).toHaveLength(1)
    const ceph = scripted([() => new Response('', { status: 500 })])
    const e2 = await s3Store({ client: ceph.client, bucket: 'b', retry, provider: 'ceph' })
      .put('k', 'v', { ifMatch: 'abc' })
      .catch((e) => e)
    expect(isS3verlessError(e2, 'store.conflict')).toBe(true)
  })

  it('maps 409 to a conflict and 403 to access denied, giving up after the attempts run out', async () => {
    const c = scripted([
      xmlError('ConditionalRequestConflict', 409),
      xmlError('AccessDenied', 403),
      ...Array(4).fill(xmlError('InternalError', 500)),
    ])
    const store = s3Store({ client: c.client, bucket: 'b', retry })
    expect((await store.put('k', 'v', { ifMatch: 'x' }).catch((e) => e)).code).toBe('store.conflict')
    expect((await store.get('k').catch((e) => e)).code).toBe('store.accessDenied')
    expect((await store.get('k').catch((e) => e)).code).toBe('store.unavailable')
    expect(c.seen).toHaveLength(6)
  })

  it('quotes etags in If-Match for AWS and leaves them bare for Ceph', async () => {
    const aws = scripted([ok({ etag: '"n"' })])
    await s3Store({ client: aws.client, bucket: 'b' }).put('k', 'v', { ifMatch: 'abc' })
    expect(aws.seen[0]?.headers.get('if-match')).toBe('"abc"')
    const ceph = scripted([ok({ etag: '"n"' })])
    await s3Store({ client: ceph.client, bucket: 'b', provider: 'ceph' }).put('k', 'v', { ifMatch: '"abc"' })
    expect(ceph.seen[0]?.headers.get('if-match')).toBe('abc')
  })

  it('turns a 404 to If-Match into a failed precondition, as RGW answers it', async () => {
    const c = scripted([xmlError('NoSuchKey', 404)])
    const error = await s3Store({ client: c.client, bucket: 'b' })
      .put('k', 'v', { ifMatch: 'abc' })
      .catch((e) => e)
    expect(isS3verlessError(error, 'store.preconditionFailed')).toBe(true)
  })

  it('reads a URL-encoded listing without DOMParser: keys, prefixes, sizes, etags and the cursor', async () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult><Name>b</Name><Prefix>p%2F</Prefix>
      <Contents><Key>p/a+b%2Bc%20%C3%A9</Key><LastModified>2026-01-02T03:04:05.000Z</LastModified><ETag>&quot;e1&quot;</ETag><Size>12</Size></Contents>
      <Contents><Key>p/%26amp</Key><LastModified>2026-01-02T03:04:06.000Z</LastModified><ETag>"e2"</ETag><Size>0</Size></Contents>
      <CommonPrefixes><Prefix>p/dir%2F</Prefix></CommonPrefixes>
      <IsTruncated>true</IsTruncated><NextContinuationToken>tok&amp;en</NextContinuationToken></ListBucketResult>`
    const { client, seen } = scripted([ok({ date: 'Fri, 02 Jan 2026 03:05:00 GMT' }, xml)])
    const page = await s3Store({ client, bucket: 'b' }).list('p/', { limit: 2, delimiter: '/' })
    expect(new URL(seen[0]?.url ?? '').searchParams.get('encoding-type')).toBe('url')
    expect(page.objects.map((o) => [o.key, o.size, o.etag])).toEqual([
      ['p/a b+c é', 12, 'e1'],
      ['p/&amp', 0, 'e2'],
    ])
    expect(page.objects[0]?.lastModified.toISOString()).toBe('2026-01-02T03:04:05.000Z')
    expect(page.commonPrefixes).toEqual(['p/dir/'])
    expect(page.cursor).toBe('tok&en')
    expect(page.serverTime.toISOString()).toBe('2026-01-02T03:05:00.000Z')
  })

  it('sends DeleteObjects with escaped keys and Content-MD5, and reports per-key errors', async () => {
    const xml = '<DeleteResult><Error><Key>a&lt;b</Key><Code>AccessDenied</Code><Message>no</Message></Error></DeleteResult>'
    const { client, seen } = scripted([ok({}, xml)])
    const result = await s3Store({ client, bucket: 'b' }).deleteMany(['a<b', 'c&d'])
    const sent = await seen[0]?.text()
    expect(sent).toContain('<Key>a&lt;b</Key>')
    expect(sent).toContain('<Key>c&amp;d</Key>')
    expect(seen[0]?.headers.get('content-md5')).toMatch(/^[A-Za-z0-9+/]{22}==$/)
    expect(result).toEqual({ deleted: ['c&d'], errors: [{ key: 'a<b', code: 'AccessDenied', message: 'no' }] })
  })

  it('refuses keys with "." or ".." segments, which a URL would fold into another key', async () => {
    const { client, seen } = scripted([])
    const error = await s3Store({ client, bucket: 'b' })
      .put('a/../b', 'v')
      .catch((e) => e)
    expect(error.code).toBe('store.invalidRequest')
    expect(seen).toHaveLength(0)
  })

  it('takes an AWS SDK S3Client: its region, endpoint and credential provider, without importing the SDK', async () => {
    const requests: string[] = []
    const realFetch = globalThis.fetch
    globalThis.fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
      const request = new Request(input, init)
      requests.push(`${request.url} ${request.headers.get('authorization')?.slice(0, 60)}`)
      return new Response('', { status: 200, headers: { etag: '"x"' } })
    }) as typeof fetch
    try {
      const sdkLike = {
        send: () => undefined,
        config: {
          region: async () => 'eu-west-3',
          credentials: async () => ({ accessKeyId: 'SDKKEY', secretAccessKey: 's' }),
          endpoint: async () => ({ protocol: 'http:', hostname: 'rgw.test', port: 7480, path: '/' }),
          forcePathStyle: true,
        },
      }
      await s3Store({ client: sdkLike, bucket: 'b' }).put('k', 'v')
    } finally {
      globalThis.fetch = realFetch
    }
    expect(requests[0]).toMatch(/^http:\/\/rgw\.test:7480\/b\/k AWS4-HMAC-SHA256 Credential=SDKKEY\/\d{8}\/eu-west-3\/s3/)
  })
})

import type { InMemoryS3 } from './in-memory-s3.js'
import { S3ServiceError } from './s3-error.js'
import type { GetObjectOutput, HeadObjectOutput, ListObjectsV2Output } from './shapes.js'

const XML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>'
const escapeXml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": 'apos' }[c]};`)
const unescapeXml = (text: string) =>
  text.replace(/&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/g, (_, name: string) => {
    if (name.startsWith('#x')) return String.fromCodePoint(Number.parseInt(name.slice(2), 16))
    if (name.startsWith('#')) return String.fromCodePoint(Number(name.slice(1)))
    return { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }[name] as string
  })
const el = (tag: string, value: string | number | boolean) => `<${tag}>${escapeXml(String(value))}</${tag}>`

/** The user metadata (`x-amz-meta-*`) headers of a request. */
function metadataOf(headers: Headers): Record<string, string> {
  const metadata: Record<string, string> = {}
  headers.forEach((value, name) => {
    if (name.startsWith('x-amz-meta-')) metadata[name.slice('x-amz-meta-'.length)] = value
  })
  return metadata
}

/** Response headers of a read. */
function objectHeaders(head: HeadObjectOutput): Headers {
  const headers = new Headers({
    ETag: head.ETag,
    'Last-Modified': head.LastModified.toUTCString(),
    'Content-Length': String(head.ContentLength),
    'Content-Type': head.ContentType,
  })
  for (const [name, value] of Object.entries(head.Metadata)) headers.set(`x-amz-meta-${name}`, value)
  return headers
}

function listXml(out: ListObjectsV2Output, urlEncoded: boolean): string {
  const enc = (s: string) => (urlEncoded ? encodeURIComponent(s) : s)
  const contents = out.Contents.map(
    (o) =>
      `<Contents>${el('Key', enc(o.Key))}${el('LastModified', o.LastModified.toISOString())}${el('ETag', o.ETag)}${el('Size', o.Size)}${el('StorageClass', o.StorageClass)}</Contents>`,
  ).join('')
  const prefixes = out.CommonPrefixes.map((p) => `<CommonPrefixes>${el('Prefix', enc(p.Prefix))}</CommonPrefixes>`).join('')
  return (
    `${XML_HEAD}<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${el('Name', out.Name)}${el('Prefix', enc(out.Prefix))}` +
    `${out.Delimiter ? el('Delimiter', enc(out.Delimiter)) : ''}${el('MaxKeys', out.MaxKeys)}${el('KeyCount', out.KeyCount)}${el('IsTruncated', out.IsTruncated)}` +
    `${urlEncoded ? el('EncodingType', 'url') : ''}${out.ContinuationToken ? el('ContinuationToken', out.ContinuationToken) : ''}` +
    `${out.NextContinuationToken ? el('NextContinuationToken', out.NextContinuationToken) : ''}${out.StartAfter !== undefined ? el('StartAfter', enc(out.StartAfter)) : ''}` +
    `${contents}${prefixes}</ListBucketResult>`
  )
}

/** Splits a path-style URL into bucket and key (`/bucket/some/key`). */
function target(url: URL): { bucket: string | undefined; key: string | undefined } {
  const path = url.pathname.replace(/^\//, '')
  if (path === '') return { bucket: undefined, key: undefined }
  const slash = path.indexOf('/')
  if (slash < 0) return { bucket: decodeURIComponent(path), key: undefined }
  const key = decodeURIComponent(path.slice(slash + 1))
  return { bucket: decodeURIComponent(path.slice(0, slash)), key: key === '' ? undefined : key }
}

/** Routes one REST request to the operation it names. */
async function route(s3: InMemoryS3, request: Request, url: URL): Promise<Response> {
  const { bucket, key } = target(url)
  const h = request.headers
  const ok = (status: number, headers: HeadersInit = {}, body: BodyInit | null = null) => new Response(body, { status, headers })
  const xml = (body: string) => ok(200, { 'Content-Type': 'application/xml' }, body)
  const conditions = {
    ...(h.get('if-match') !== null ? { IfMatch: h.get('if-match') as string } : {}),
    ...(h.get('if-none-match') !== null ? { IfNoneMatch: h.get('if-none-match') as string } : {}),
  }
  const method = request.method
  if (bucket === undefined) {
    if (method !== 'GET') throw new S3ServiceError('MethodNotAllowed', `${method} / is not allowed`)
    const out = await s3.dispatch('ListBuckets', {}, 'http')
    const items = out.Buckets.map((b) => `<Bucket>${el('Name', b.Name)}${el('CreationDate', b.CreationDate.toISOString())}</Bucket>`).join(
      '',
    )
    return xml(`${XML_HEAD}<ListAllMyBucketsResult><Buckets>${items}</Buckets></ListAllMyBucketsResult>`)
  }
  if (key === undefined) {
    if (method === 'PUT') return ok(200, { Location: (await s3.dispatch('CreateBucket', { Bucket: bucket }, 'http')).Location })
    if (method === 'HEAD' || method === 'DELETE') {
      const op = method === 'HEAD' ? 'HeadBucket' : 'DeleteBucket'
      return ok((await s3.dispatch(op, { Bucket: bucket }, 'http')).$metadata.httpStatusCode)
    }
    if (method === 'POST' && url.searchParams.has('delete')) {
      const body = await request.text()
      const keys = [...body.matchAll(/<Key>([\s\S]*?)<\/Key>/g)].map((m) => ({ Key: unescapeXml(m[1] as string) }))
      const quiet = /<Quiet>\s*true\s*<\/Quiet>/i.test(body)
      const out = await s3.dispatch('DeleteObjects', { Bucket: bucket, Delete: { Objects: keys, Quiet: quiet } }, 'http')
      const deleted = out.Deleted.map((d) => `<Deleted>${el('Key', d.Key)}</Deleted>`).join('')
      const errors = out.Errors.map((e) => `<Error>${el('Key', e.Key)}${el('Code', e.Code)}${el('Message', e.Message)}</Error>`).join('')
      return xml(`${XML_HEAD}<DeleteResult>${deleted}${errors}</DeleteResult>`)
    }
    if (method === 'GET' && url.searchParams.get('list-type') === '2') {
      const q = url.searchParams
      const out = await s3.dispatch(
        'ListObjectsV2',
        {
          Bucket: bucket,
          ...(q.has('prefix') ? { Prefix: q.get('prefix') as string } : {}),
          ...(q.has('delimiter') ? { Delimiter: q.get('delimiter') as string } : {}),
          ...(q.has('max-keys') ? { MaxKeys: Number(q.get('max-keys')) } : {}),
          ...(q.has('continuation-token') ? { ContinuationToken: q.get('continuation-token') as string } : {}),
          ...(q.has('start-after') ? { StartAfter: q.get('start-after') as string } : {}),
        },
        'http',
      )
      return xml(listXml(out, q.get('encoding-type') === 'url'))
    }
    throw new S3ServiceError('NotImplemented', `InMemoryS3 does not serve ${method} ${url.pathname}${url.search}`)
  }
  if (method === 'PUT' && h.has('x-amz-copy-source')) {
    const out = await s3.dispatch(
      'CopyObject',
      {
        Bucket: bucket,
        Key: key,
        CopySource: h.get('x-amz-copy-source') as string,
        ...conditions,
        ...(h.has('x-amz-copy-source-if-match') ? { CopySourceIfMatch: h.get('x-amz-copy-source-if-match') as string } : {}),
        ...(h.get('x-amz-metadata-directive') === 'REPLACE'
          ? {
              MetadataDirective: 'REPLACE' as const,
              Metadata: metadataOf(h),
              ...(h.has('content-type') ? { ContentType: h.get('content-type') as string } : {}),
            }
          : {}),
      },
      'http',
    )
    const r = out.CopyObjectResult
    return xml(`${XML_HEAD}<CopyObjectResult>${el('ETag', r.ETag)}${el('LastModified', r.LastModified.toISOString())}</CopyObjectResult>`)
  }
  if (method === 'PUT') {
    const out = await s3.dispatch(
      'PutObject',
      {
        Bucket: bucket,
        Key: key,
        Body: new Uint8Array(await request.arrayBuffer()),
        ...conditions,
        ...(h.has('content-type') ? { ContentType: h.get('content-type') as string } : {}),
        Metadata: metadataOf(h),
      },
      'http',
    )
    return ok(200, { ETag: out.ETag })
  }
  if (method === 'GET' || method === 'HEAD') {
    const op = method === 'GET' ? 'GetObject' : 'HeadObject'
    const out = await s3.dispatch(op, { Bucket: bucket, Key: key, ...conditions }, 'http')
    const body = method === 'GET' ? await (out as GetObjectOutput).Body.transformToByteArray() : null
    return ok(200, objectHeaders(out), body as BodyInit | null)
  }
  if (method === 'DELETE') {
    await s3.dispatch('DeleteObject', { Bucket: bucket, Key: key, ...conditions }, 'http')
    return ok(204)
  }
  throw new S3ServiceError('MethodNotAllowed', `${method} is not allowed on an object`, { bucket, key })
}

/**
 * Serves an S3 REST request from an {@link InMemoryS3}. S3's errors become its XML error answers (no
 * body for HEAD and 304); anything else thrown (an injected `Error`) rejects, as a lost connection does.
 */
export async function s3HttpHandler(s3: InMemoryS3, request: Request): Promise<Response> {
  const url = new URL(request.url)
  let response: Response
  try {
    response = await route(s3, request, url)
  } catch (error) {
    if (!(error instanceof S3ServiceError)) throw error
    const status = error.$metadata.httpStatusCode
    const bodiless = request.method === 'HEAD' || status === 304
    const body = bodiless
      ? null
      : `${XML_HEAD}<Error>${el('Code', error.name)}${el('Message', error.message)}${error.Key ? el('Key', error.Key) : ''}${error.BucketName ? el('BucketName', error.BucketName) : ''}</Error>`
    response = new Response(body, { status, headers: bodiless ? {} : { 'Content-Type': 'application/xml' } })
  }
  response.headers.set('Date', new Date(s3.clock()).toUTCString())
  response.headers.set('x-amz-request-id', `in-memory-${s3.requests.length}`)
  return response
}

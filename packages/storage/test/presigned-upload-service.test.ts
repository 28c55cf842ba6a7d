import { S3Client } from '@aws-sdk/client-s3'
import { createDatabase, memoryStore, S3ClientManager } from '@s3verless/core'
import { describe, expect, it } from 'vitest'
import { PresignedUploadService, UploadConfig, UploadedFile } from '../src/index.js'
import { failure, memorySetup } from './fixtures.js'

/** Presigning sends no request: a manager pointing nowhere is enough to check what gets signed. */
const manager = new S3ClientManager({ endpoint: 'http://127.0.0.1:9', accessKeyId: 'k', secretAccessKey: 's', bucket: 'media' })
const service = new PresignedUploadService(
  'media',
  new UploadConfig({ maxFileSize: 1024, allowedContentTypes: ['image/png', 'text/plain'], expirationSeconds: 600 }),
)
const signedHeaders = (url: string) => new URL(url).searchParams.get('X-Amz-SignedHeaders')?.split(';')

describe('PresignedUploadService: construction', () => {
  it('takes the spec’s (bucket, config) or an options object', () => {
    expect(service.config.maxFileSize).toBe(1024)
    expect(new PresignedUploadService().config).toEqual(new UploadConfig())
    expect(new PresignedUploadService({ config: { keyPrefix: 'media/' } }).config.keyPrefix).toBe('media/')
  })

  it.each([
    [{ config: { maxFileSize: 0 } }, 'maxFileSize'],
    [{ basePath: '', config: { keyPrefix: 'uploads/' } }, 'overlaps'],
    [{ config: { keyPrefix: 's3verless-data/files/' } }, 'overlaps'],
    [{ basePath: 'data/uploads/x/', config: { keyPrefix: 'data/' } }, 'overlaps'],
    [{ cleanupMarginSeconds: 0 }, 'cleanupMarginSeconds'],
    [{ acl: 'public-read' as 'private' }, 'acl'],
    [{ database: createDatabase({ store: memoryStore(), models: [] }) }, 'UploadedFile'],
  ])('refuses bad options %j', (options, message) => {
    expect(() => new PresignedUploadService(options)).toThrow(message)
    expect(() => new PresignedUploadService(options)).toThrow(expect.objectContaining({ code: 'storage.invalidConfig' }))
  })

  it('accepts a records folder beside the uploads', () => {
    expect(() => new PresignedUploadService({ basePath: '', config: { keyPrefix: 'files/' } })).not.toThrow()
  })
})

describe('PresignedUploadService: upload URLs (signed offline)', () => {
  it('signs a PUT binding type, exact length, single use and metadata as headers', async () => {
    const upload = await service.generateUploadUrl(manager, {
      filename: 'Résumé.txt',
      size: 12,
      metadata: { album: 'x y' },
      uploadedBy: 'user-1',
    })
    expect(upload).toMatchObject({
      method: 'PUT',
      size: 12,
      maxSize: 1024,
      expiresIn: 600,
      contentType: 'text/plain',
      filename: 'Résumé.txt',
    })
    expect(upload.key).toMatch(/^uploads\/\d{4}\/\d{2}\/\d{2}\/[0-9a-f-]{36}\.txt$/)
    const url = new URL(upload.url)
    expect(url.pathname).toBe(`/media/${upload.key}`)
    expect(url.searchParams.get('X-Amz-Expires')).toBe('600')
    expect(signedHeaders(upload.url)).toEqual(
      expect.arrayContaining([
        'content-length',
        'content-type',
        'host',
        'if-none-match',
        'x-amz-meta-s3v-name',
        'x-amz-meta-s3v-by',
        'x-amz-meta-album',
        'x-amz-acl',
      ]),
    )
    for (const param of url.searchParams.keys()) expect(param.toLowerCase()).not.toMatch(/^x-amz-meta-|^content-/) // nothing hoisted
    expect(upload.headers).toEqual({
      'Content-Type': 'text/plain',
      'If-None-Match': '*',
      'x-amz-meta-album': 'x%20y',
      'x-amz-meta-s3v-meta': 'album',
      'x-amz-meta-s3v-name': 'R%C3%A9sum%C3%A9.txt',
      'x-amz-meta-s3v-by': 'u:user-1',
      'x-amz-acl': 'private',
    })
  })

  it('takes the spec’s positional arguments, with the size fifth', async () => {
    const upload = await service.generateUploadUrl(manager, 'cat.png', null, null, 100)
    expect(upload).toMatchObject({ contentType: 'image/png', size: 100 })
    expect(upload.key).toMatch(/\.png$/)
    expect(await failure(service.generateUploadUrl(manager, 'cat.png'))).toBe('storage.rejected:size')
  })

  it('pins a private ACL into every upload URL by default; bucket-owner-full-control or none when asked', async () => {
    const byDefault = new PresignedUploadService('media', { maxFileSize: 10 })
    const upload = await byDefault.generateUploadUrl(manager, { filename: 'a.txt', size: 1 })
    expect(upload.headers['x-amz-acl']).toBe('private')
    expect(signedHeaders(upload.url)).toContain('x-amz-acl')
    const owner = new PresignedUploadService('media', { maxFileSize: 10 }, { acl: 'bucket-owner-full-control' })
    expect((await owner.generateUploadUrl(manager, { filename: 'a.txt', size: 1 })).headers['x-amz-acl']).toBe('bucket-owner-full-control')
    const none = new PresignedUploadService('media', { maxFileSize: 10 }, { acl: false })
    const unpinned = await none.generateUploadUrl(manager, { filename: 'a.txt', size: 1 })
    expect(unpinned.headers['x-amz-acl']).toBeUndefined()
    expect(signedHeaders(unpinned.url)).not.toContain('x-amz-acl')
  })

  it.each([
    [{ filename: 'a.gif', size: 1 }, 'storage.rejected:contentType'],
    [{ filename: 'a.txt', contentType: 'text/html', size: 1 }, 'storage.rejected:contentType'],
    [{ filename: 'a.txt', contentType: 'text/plain\r\nx-amz-acl: public-read', size: 1 }, 'storage.rejected:contentType'],
    [{ filename: 'a.txt', size: 1025 }, 'storage.rejected:size'],
    [{ filename: 'a.txt', size: -1 }, 'storage.rejected:size'],
    [{ filename: '../secrets/a.txt', size: 1 }, 'storage.rejected:filename'],
    [{ filename: 'a.txt', size: 1, metadata: { 's3v-by': 'x' } }, 'storage.rejected:metadata'],
    [{ filename: 'a.txt', size: 1, uploadedBy: '' }, 'storage.invalidConfig'],
  ])('refuses %j with a clear error', async (request, code) => {
    expect(await failure(service.generateUploadUrl(manager, request))).toBe(code)
  })

  it('needs S3: the memory and file-system stores get a clear error naming storeUpload', async () => {
    const { service: local, store } = memorySetup()
    const error = await local.generateUploadUrl(store, { filename: 'a.png', size: 1 }).catch((e) => e)
    expect(error.code).toBe('storage.presignUnsupported')
    expect(error.message).toContain('presigned URLs need S3')
    expect(error.message).toContain('storeUpload()')
    expect(await failure(local.generateDownloadUrl(store, 'uploads/2026/11/26/0193a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b.png'))).toBe(
      'storage.presignUnsupported',
    )
  })

  it('takes an AWS SDK S3Client (whatever its checksum setting: signing is our own) and refuses one without a bucket', async () => {
    const checksumming = new S3Client({
      region: 'us-east-1',
      endpoint: 'http://127.0.0.1:9',
      forcePathStyle: true,
      credentials: { accessKeyId: 'k', secretAccessKey: 's' },
    })
    const upload = await service.generateUploadUrl(checksumming, { filename: 'a.txt', size: 1 })
    const url = new URL(upload.url)
    expect(url.host).toBe('127.0.0.1:9')
    expect(url.pathname).toMatch(/^\/media\/uploads\//)
    expect(url.searchParams.get('X-Amz-SignedHeaders')).toContain('content-length')
    expect(url.searchParams.has('x-amz-checksum-crc32')).toBe(false)
    expect(await failure(new PresignedUploadService().generateUploadUrl(checksumming, { filename: 'a.txt', size: 1 }))).toBe(
      'storage.invalidConfig',
    )
  })
})

describe('PresignedUploadService: download URLs (signed offline)', () => {
  const key = 'uploads/2026/11/26/0193a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b.png'

  it('signs a GET answered as an attachment with a safe file name', async () => {
    const url = new URL(await service.generateDownloadUrl(manager, key, 'Ré"sumé\r\n.png', 120))
    expect(url.searchParams.get('X-Amz-Expires')).toBe('120')
    expect(url.searchParams.get('response-content-disposition')).toBe(
      `attachment; filename="Re_sume.png"; filename*=UTF-8''R%C3%A9_sum%C3%A9.png`,
    )
    const inline = new URL(await service.generateDownloadUrl(manager, key, undefined, undefined, { disposition: 'inline' }))
    expect(inline.searchParams.get('response-content-disposition')).toBe('inline')
    expect(inline.searchParams.get('X-Amz-Expires')).toBe('600')
  })

  it('never signs access outside the upload prefix, nor a lifetime S3 refuses', async () => {
    expect(await failure(service.generateDownloadUrl(manager, 's3verless-data/users/0193a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b.json'))).toBe(
      'storage.invalidKey',
    )
    expect(await failure(service.generateDownloadUrl(manager, key, null, 604_801))).toBe('storage.invalidConfig')
    expect(await failure(service.generateDownloadUrl(manager, key, null, 0))).toBe('storage.invalidConfig')
  })
})

describe('UploadedFile', () => {
  it('is a system model under the reserved uploads plural, indexed by uploader, without a CRUD API', () => {
    expect(UploadedFile).toMatchObject({ name: 'UploadedFile', plural: 'uploads', enableApi: false })
    expect(UploadedFile.indexed).toContain('uploadedBy')
    expect(UploadedFile.getS3Key('x')).toBe('s3verless-data/uploads/x.json')
  })
})

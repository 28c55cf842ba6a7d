import { createDatabase, defineModel, isS3verlessError } from '@s3verless/core'
import { createTestBucket, S3_SKIP_REASON, s3TestServer } from '@s3verless/testing'
import { describe, expect, it } from 'vitest'
import * as z from 'zod'
import { DELETED_UPLOAD_TYPE, PresignedUploadService, type PresignedUploadServiceOptions, UploadedFile } from '../src/index.js'

const server = s3TestServer()
if (!server) console.warn(`\n!!! SKIPPED: presigned uploads against a real S3 server: ${S3_SKIP_REASON}\n`)

const text = (s: string) => new TextEncoder().encode(s)
const codeOf = (error: unknown) => (isS3verlessError(error) ? error.code : String(error))
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** A fresh bucket and an upload service on it: text and PNG files up to 1 KiB. */
async function setup(options: Omit<PresignedUploadServiceOptions, 'bucket'> = {}) {
  const { manager, bucket } = await createTestBucket(server!)
  const service = new PresignedUploadService({
    bucket,
    config: { maxFileSize: 1024, allowedContentTypes: ['text/plain', 'image/png'], expirationSeconds: 300 },
    ...options,
  })
  return { manager, bucket, service }
}

/** A plain fetch PUT, as a browser would send it. */
async function put(url: string, body: Uint8Array<ArrayBuffer>, headers: Record<string, string>) {
  const response = await fetch(url, { method: 'PUT', body, headers })
  return { status: response.status, text: await response.text() }
}

describe.skipIf(!server)(`presigned uploads on a real S3 server (${server?.endpoint ?? 'none'})`, () => {
  it('upload with plain fetch, confirm, download with a safe Content-Disposition, delete', async () => {
    const { manager, service } = await setup()
    const body = text('hello, résumé')
    const upload = await service.generateUploadUrl(manager, {
      filename: 'Résumé "v2".txt',
      size: body.length,
      metadata: { album: 'Été' },
      uploadedBy: 'user-1',
    })
    expect(await put(upload.url, body, upload.headers)).toMatchObject({ status: 200 })

    const file = await service.confirmUpload(manager, upload.key, 'user-1')
    expect(file).toMatchObject({
      s3Key: upload.key,
      filename: 'Résumé _v2_.txt',
      contentType: 'text/plain',
      size: body.length,
      uploadedBy: 'user-1',
      metadata: { album: 'Été' },
    })
    expect(await service.getFile(manager, upload.key)).toEqual(file)

    const download = await fetch(await service.generateDownloadUrl(manager, file!.s3Key, file!.filename))
    expect(download.status).toBe(200)
    expect(download.headers.get('content-type')).toBe('text/plain')
    expect(download.headers.get('content-disposition')).toBe(
      `attachment; filename="Resume _v2_.txt"; filename*=UTF-8''R%C3%A9sum%C3%A9%20_v2_.txt`,
    )
    expect(await download.text()).toBe('hello, résumé')

    expect(await service.deleteFile(manager, upload.key)).toBe(true)
    expect(await service.getFile(manager, upload.key)).toBeNull()
    // A download link still valid gets the deleted-upload marker, never the file.
    const after = await fetch(await service.generateDownloadUrl(manager, upload.key))
    expect(after.headers.get('content-type')).toBe(DELETED_UPLOAD_TYPE)
    expect(await after.text()).not.toContain('résumé')
    expect(codeOf(await service.confirmUpload(manager, upload.key).catch((e) => e))).toBe('storage.deleted')
  })

  it('the server refuses another content type, a larger or smaller body, other metadata, a missing header', async () => {
    const { manager, service } = await setup()
    const body = text('0123456789')
    const upload = await service.generateUploadUrl(manager, { filename: 'notes.txt', size: body.length })
    const refusals = [
      await put(upload.url, body, { ...upload.headers, 'Content-Type': 'text/html' }),
      await put(upload.url, body, { ...upload.headers, 'Content-Type': 'image/png' }),
      await put(upload.url, text('0123456789+'), upload.headers),
      await put(upload.url, new Uint8Array(1024), upload.headers),
      await put(upload.url, text('012345678'), upload.headers),
      await put(upload.url, body, { ...upload.headers, 'x-amz-meta-s3v-name': 'other.txt' }),
      await put(upload.url, body, { ...upload.headers, 'x-amz-meta-s3v-by': 'u:someone-else' }),
      await put(upload.url, body, Object.fromEntries(Object.entries(upload.headers).filter(([name]) => name !== 'If-None-Match'))),
    ]
    for (const refusal of refusals) {
      expect(refusal.status).toBe(403)
      expect(refusal.text).toContain('SignatureDoesNotMatch')
    }
    expect(await service.confirmUpload(manager, upload.key)).toBeNull() // nothing landed
    expect((await put(upload.url, body, upload.headers)).status).toBe(200)
  })

  it('the server refuses a tampered URL', async () => {
    const { manager, service } = await setup()
    const body = text('abc')
    const upload = await service.generateUploadUrl(manager, { filename: 'a.txt', size: body.length })
    const other = await service.generateUploadUrl(manager, { filename: 'b.txt', size: body.length })
    const tamper = (edit: (url: URL) => void) => {
      const url = new URL(upload.url)
      edit(url)
      return url.toString()
    }
    const signature = new URL(upload.url).searchParams.get('X-Amz-Signature')!
    const tampered = [
      tamper((u) => u.searchParams.set('X-Amz-Signature', (signature[0] === 'a' ? 'b' : 'a') + signature.slice(1))),
      tamper((u) => {
        u.pathname = new URL(other.url).pathname // another upload's key
      }),
      tamper((u) => {
        u.pathname = u.pathname.replace(/[^/]+$/, 'chosen-by-client.html')
      }),
      tamper((u) => u.searchParams.set('X-Amz-Expires', '604800')),
      tamper((u) => u.searchParams.set('X-Amz-SignedHeaders', 'host')),
      tamper((u) => u.searchParams.set('x-amz-acl', 'public-read')),
    ]
    for (const url of tampered) expect((await put(url, body, upload.headers)).status).toBe(403)
    expect(await service.confirmUpload(manager, other.key)).toBeNull()
  })

  it('a URL works once and not after it expires', async () => {
    const { manager, service } = await setup({ config: { maxFileSize: 1024, expirationSeconds: 2 } })
    const body = text('once')
    const upload = await service.generateUploadUrl(manager, { filename: 'a.txt', size: body.length })
    expect((await put(upload.url, body, upload.headers)).status).toBe(200)
    const again = await put(upload.url, body, upload.headers)
    expect(again.status).toBe(412) // If-None-Match: * is signed: no overwrite after confirmation
    const late = await service.generateUploadUrl(manager, { filename: 'b.txt', size: body.length })
    await sleep(3500)
    const expired = await put(late.url, body, late.headers)
    expect(expired.status).toBe(403)
    expect(expired.text).toContain('AccessDenied')
  }, 20_000)

  it('confirmUpload refuses keys outside the upload prefix, such as another model’s records', async () => {
    const { manager, service: plain, bucket } = await setup()
    const Note = defineModel(z.object({ text: z.string() }), { name: 'Note' })
    const db = createDatabase({ store: manager, bucket, models: [Note, UploadedFile] })
    const service = new PresignedUploadService({ bucket, database: db, config: plain.config })
    const note = await db.repository(Note).create({ text: 'private' })
    for (const key of [
      Note.getS3Key(note.id),
      UploadedFile.getS3Key(note.id),
      `s3verless-data/_meta/notes.json`,
      `uploads/../${Note.getS3Key(note.id)}`,
    ]) {
      expect(codeOf(await service.confirmUpload(manager, key).catch((e) => e))).toBe('storage.invalidKey')
      expect(codeOf(await service.deleteFile(manager, key).catch((e) => e))).toBe('storage.invalidKey')
      expect(codeOf(await service.generateDownloadUrl(manager, key).catch((e) => e))).toBe('storage.invalidKey')
    }
    expect(await db.repository(UploadedFile).count()).toBe(0)
    expect((await db.repository(Note).getOrThrow(note.id)).text).toBe('private')
  })

  it('an upload bound to a user cannot be confirmed by another; unsigned extra metadata is not recorded', async () => {
    const { manager, service } = await setup()
    const body = text('mine')
    const upload = await service.generateUploadUrl(manager, { filename: 'a.txt', size: body.length, uploadedBy: 'alice' })
    // Ceph RGW stores extra headers a signature does not cover; the record keeps only signed entries.
    expect((await put(upload.url, body, { ...upload.headers, 'x-amz-meta-injected': 'evil' })).status).toBe(200)
    expect(codeOf(await service.confirmUpload(manager, upload.key, 'mallory').catch((e) => e))).toBe('storage.forbidden')
    const file = await service.confirmUpload(manager, upload.key)
    expect(file).toMatchObject({ uploadedBy: 'alice', metadata: {} })
  })

  it('with acl pinned, the client cannot make its upload public', async () => {
    const { manager, service, bucket } = await setup({ acl: 'private' })
    const body = text('secret')
    const upload = await service.generateUploadUrl(manager, { filename: 'a.txt', size: body.length })
    expect((await put(upload.url, body, { ...upload.headers, 'x-amz-acl': 'public-read' })).status).toBe(403)
    expect((await put(upload.url, body, upload.headers)).status).toBe(200)
    const acl = await manager.getClient().send({ method: 'GET', bucket, key: upload.key, query: { acl: '' }, operation: 'GetObjectAcl' })
    const grants = new TextDecoder().decode(acl.body)
    expect(grants).toContain('<Grant>')
    expect(grants).not.toContain('AllUsers')
  })

  it('cleanupUnconfirmed removes only old uploads that were never confirmed', async () => {
    const { manager, service } = await setup({ config: { maxFileSize: 1024, expirationSeconds: 1 }, cleanupMarginSeconds: 2 })
    const body = text('x')
    const kept = await service.generateUploadUrl(manager, { filename: 'kept.txt', size: 1 })
    const abandoned = await service.generateUploadUrl(manager, { filename: 'abandoned.txt', size: 1 })
    expect((await put(kept.url, body, kept.headers)).status).toBe(200)
    expect((await put(abandoned.url, body, abandoned.headers)).status).toBe(200)
    expect(await service.confirmUpload(manager, kept.key)).not.toBeNull()
    expect((await service.cleanupUnconfirmed(manager)).deleted).toEqual([])
    await sleep(4500) // older than 1 s + 2 s by RGW's clock
    const report = await service.cleanupUnconfirmed(manager)
    expect(report).toMatchObject({ scanned: 2, deleted: [abandoned.key], confirmed: 1, young: 0, failed: [] })
    expect(await service.confirmUpload(manager, abandoned.key)).toBeNull()
    expect(await service.getFile(manager, kept.key)).not.toBeNull()
  }, 20_000)

  it('storeUpload works on S3 too, and its object downloads', async () => {
    const { manager, service } = await setup()
    const file = await service.storeUpload(manager, { filename: 'note.txt', body: text('through the server'), uploadedBy: 'u' })
    const download = await fetch(await service.generateDownloadUrl(manager, file.s3Key, file.filename, 60, { disposition: 'inline' }))
    expect(await download.text()).toBe('through the server')
    expect(download.headers.get('content-disposition')).toMatch(/^inline; filename="note.txt"/)
  })

  it('confirm racing delete on RGW: no record outlives the delete, a replayed PUT is refused, the key stays closed', async () => {
    const { manager, service } = await setup()
    for (let round = 0; round < 8; round++) {
      const body = text(`round ${round}`)
      const upload = await service.generateUploadUrl(manager, { filename: 'r.txt', size: body.length, uploadedBy: 'alice' })
      expect((await put(upload.url, body, upload.headers)).status).toBe(200)
      const confirming = service.confirmUpload(manager, upload.key, 'alice').then(
        () => 'confirmed',
        (error: unknown) => codeOf(error),
      )
      await sleep(round * 3)
      await service.deleteFile(manager, upload.key)
      expect(['confirmed', 'storage.deleted']).toContain(await confirming)
      expect(await service.getFile(manager, upload.key)).toBeNull()
      expect((await put(upload.url, body, upload.headers)).status).toBe(412)
      expect(codeOf(await service.confirmUpload(manager, upload.key).catch((e) => e))).toBe('storage.deleted')
    }
    expect(await service.files(manager).count()).toBe(0)
  }, 30_000)
})

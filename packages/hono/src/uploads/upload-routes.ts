import type { ObjectStore, S3ClientManager } from '@s3verless/core'
import { isS3verlessError } from '@s3verless/core'
import { contentDisposition, type PresignedUploadService, type UploadedFile } from '@s3verless/storage'
import { type Context, Hono } from 'hono'
import type { RequestUser, S3verlessEnv } from '../app/env.js'
import { requireAuth } from '../auth/bearer.js'
import { isObject, readJson } from '../crud/body.js'
import { HttpError } from '../errors/http-error.js'
import type { UploadRoutes } from './upload-routes-types.js'

/** What the upload routes work on. */
export interface UploadRoutesOptions {
  service: PresignedUploadService
  /** The app's store or S3 client manager (presigning needs S3; the plain PUT works on any store). */
  client: ObjectStore | S3ClientManager
  /** The store that holds the objects, for downloads where presigning is not possible (fsStore, memory). */
  store: ObjectStore
}

const notFound = (id: string) => new HttpError('model.notFound', `Upload ${id} not found`, { model: 'UploadedFile', id })

/**
 * Upload routes (mount at `/uploads`; every route needs a signed-in user, and files are owner-scoped:
 * only the uploader or an admin sees one, others get 404):
 * `POST /presign` `{ filename, contentType?, size }` → a presigned PUT (S3 only), `POST /confirm`
 * `{ key }` → the file record (201), `PUT /files/:filename` → a plain authenticated upload checked
 * against the config's types and size (any store, e.g. fsStore), `GET /:id` → the record,
 * `GET /:id/download` → a redirect to a presigned GET (or the bytes, where the store cannot presign),
 * `DELETE /:id` → 204.
 */
export function uploadRoutes(options: UploadRoutesOptions): UploadRoutes {
  const { service, client, store } = options
  const user = (c: Context<S3verlessEnv>) => c.get('user') as RequestUser
  const mine = async (c: Context<S3verlessEnv>): Promise<UploadedFile> => {
    const id = c.req.param('id') as string
    const file = await service
      .files(client)
      .get(id)
      .catch((error) => {
        if (isS3verlessError(error, 'model.invalidId')) return null
        throw error
      })
    if (!file || (!user(c).isAdmin && file.uploadedBy !== user(c).id)) throw notFound(id)
    return file as UploadedFile
  }
  const app = new Hono<S3verlessEnv>()
  app.use('*', requireAuth())
  app.post('/presign', async (c) => {
    const body = await readJson(c)
    if (!isObject(body) || typeof body.filename !== 'string' || typeof body.size !== 'number') {
      throw new HttpError('http.validation', 'Send { "filename": …, "size": …, "contentType"?: … }', {
        errors: [{ path: ['filename'], message: 'expected a file name and its size in bytes' }],
      })
    }
    const contentType = typeof body.contentType === 'string' ? body.contentType : null
    return c.json(
      await service.generateUploadUrl(client, { filename: body.filename, size: body.size, contentType, uploadedBy: user(c).id }),
      200,
    )
  })
  app.post('/confirm', async (c) => {
    const body = await readJson(c)
    if (!isObject(body) || typeof body.key !== 'string') {
      throw new HttpError('http.validation', 'Send { "key": … }', { errors: [{ path: ['key'], message: 'expected the upload key' }] })
    }
    const file = await service.confirmUpload(client, body.key, user(c).id)
    if (!file) throw new HttpError('model.notFound', 'No object was uploaded at that key', { model: 'UploadedFile' })
    return c.json(file, 201)
  })
  app.put('/files/:filename', async (c) => {
    const length = c.req.header('content-length')
    const file = await service.storeUpload(client, {
      filename: c.req.param('filename'),
      contentType: c.req.header('content-type') ?? null,
      body: c.req.raw.body ?? new Uint8Array(),
      uploadedBy: user(c).id,
      ...(length !== undefined ? { size: Number(length) } : {}),
    })
    return c.json(file, 201, { Location: `${new URL(c.req.url).pathname.replace(/\/files\/[^/]*$/, '')}/${file.id}` })
  })
  app.get('/:id', async (c) => c.json(await mine(c), 200))
  app.get('/:id/download', async (c) => {
    const file = await mine(c)
    try {
      return c.redirect(await service.generateDownloadUrl(client, file.s3Key, file.filename), 302)
    } catch (error) {
      if (!isS3verlessError(error, 'storage.presignUnsupported')) throw error
    }
    const object = await store.get(file.s3Key)
    if (!object || object.notModified) throw notFound(file.id)
    return c.body(object.body as never, 200, {
      'content-type': file.contentType,
      'content-disposition': contentDisposition(file.filename),
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'",
    })
  })
  app.delete('/:id', async (c) => {
    const file = await mine(c)
    await service.deleteFile(client, file.s3Key)
    return c.body(null, 204)
  })
  return app as unknown as UploadRoutes
}

import type { ObjectStore, S3ClientManager } from '@s3verless/core'
import { isS3verlessError } from '@s3verless/core'
import { contentDisposition, type PresignedUploadService, type UploadedFile } from '@s3verless/storage'
import { type Context, Hono } from 'hono'
import type { S3verlessEnv } from '../app/env.js'
import { checkInput, checkRecord, gate } from '../crud/access.js'
import { isObject, readJson } from '../crud/body.js'
import { HttpError } from '../errors/http-error.js'
import { type UploadAccessRules, type UploadInput, uploadAccessSubject } from './upload-access.js'
import type { UploadRoutes } from './upload-routes-types.js'

/** What the upload routes work on. */
export interface UploadRoutesOptions {
  service: PresignedUploadService
  /** The app's store or S3 client manager (presigning needs S3; the plain PUT works on any store). */
  client: ObjectStore | S3ClientManager
  /** The store that holds the objects, for downloads where presigning is not possible (fsStore, memory). */
  store: ObjectStore
  /** Who may upload, read and delete files (default `{ get: 'owner', create: 'signedIn', delete: 'owner' }`). */
  access?: Partial<UploadAccessRules>
}

const notFound = (id: string) => new HttpError('model.notFound', `Upload ${id} not found`, { model: 'UploadedFile', id })

/**
 * Upload routes (mount at `/uploads`), under access rules like a model's ({@link UploadAccessRules}:
 * by default signed-in users upload, and files are owner-scoped: only the uploader or an admin sees
 * one, others get 404; 401 when signed out, 403 when signed in without permission):
 * `POST /presign` `{ filename, contentType?, size }` → a presigned PUT (S3 only), `POST /confirm`
 * `{ key }` → the file record (201), `PUT /files/:filename` → a plain authenticated upload checked
 * against the config's types and size (any store, e.g. fsStore), `GET /:id` → the record,
 * `GET /:id/download` → a redirect to a presigned GET (or the bytes, where the store cannot presign),
 * `DELETE /:id` → 204.
 */
export function uploadRoutes(options: UploadRoutesOptions): UploadRoutes {
  const { service, client, store } = options
  const subject = uploadAccessSubject(options.access)
  /** Reads the file of `:id` and checks `op`'s rule on it (404 when the caller may not see it). */
  const checked = async (c: Context<S3verlessEnv>, op: 'get' | 'delete'): Promise<UploadedFile> => {
    const user = c.get('user')
    gate(subject, op, user)
    const id = c.req.param('id') as string
    const file = await service
      .files(client)
      .get(id)
      .catch((error) => {
        if (isS3verlessError(error, 'model.invalidId')) return null
        throw error
      })
    if (!file) throw notFound(id)
    await checkRecord(subject, op, user, file as Record<string, unknown>, () => notFound(id))
    return file as UploadedFile
  }
  /** Checks the `create` rule on an upload's input; returns who uploads it. */
  const creating = async (c: Context<S3verlessEnv>, input: Omit<UploadInput, 'uploadedBy'>): Promise<string | null> => {
    const user = c.get('user')
    gate(subject, 'create', user)
    const uploadedBy = user?.id ?? null
    await checkInput(subject, user, { ...input, uploadedBy })
    return uploadedBy
  }
  const app = new Hono<S3verlessEnv>()
  app.post('/presign', async (c) => {
    gate(subject, 'create', c.get('user')) // before reading the body: a stranger learns nothing from a 422
    const body = await readJson(c)
    if (!isObject(body) || typeof body.filename !== 'string' || typeof body.size !== 'number') {
      throw new HttpError('http.validation', 'Send { "filename": …, "size": …, "contentType"?: … }', {
        errors: [{ path: ['filename'], message: 'expected a file name and its size in bytes' }],
      })
    }
    const contentType = typeof body.contentType === 'string' ? body.contentType : null
    const uploadedBy = await creating(c, { filename: body.filename, size: body.size, contentType })
    return c.json(await service.generateUploadUrl(client, { filename: body.filename, size: body.size, contentType, uploadedBy }), 200)
  })
  app.post('/confirm', async (c) => {
    // The create rule's gate; its predicate was checked when the URL was made, and the URL is bound to that user.
    gate(subject, 'create', c.get('user'))
    const body = await readJson(c)
    if (!isObject(body) || typeof body.key !== 'string') {
      throw new HttpError('http.validation', 'Send { "key": … }', { errors: [{ path: ['key'], message: 'expected the upload key' }] })
    }
    const file = await service.confirmUpload(client, body.key, c.get('user')?.id ?? null)
    if (!file) throw new HttpError('model.notFound', 'No object was uploaded at that key', { model: 'UploadedFile' })
    return c.json(file, 201, { Location: `${new URL(c.req.url).pathname.replace(/\/confirm\/?$/, '')}/${file.id}` })
  })
  app.put('/files/:filename', async (c) => {
    const length = c.req.header('content-length')
    const filename = c.req.param('filename')
    const contentType = c.req.header('content-type') ?? null
    const uploadedBy = await creating(c, { filename, contentType, size: length !== undefined ? Number(length) : undefined })
    const file = await service.storeUpload(client, {
      filename,
      contentType,
      body: c.req.raw.body ?? new Uint8Array(),
      uploadedBy,
      ...(length !== undefined ? { size: Number(length) } : {}),
    })
    return c.json(file, 201, { Location: `${new URL(c.req.url).pathname.replace(/\/files\/[^/]*$/, '')}/${file.id}` })
  })
  app.get('/:id', async (c) => c.json(await checked(c, 'get'), 200))
  app.get('/:id/download', async (c) => {
    const file = await checked(c, 'get')
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
    const file = await checked(c, 'delete')
    await service.deleteFile(client, file.s3Key)
    return c.body(null, 204)
  })
  return app as unknown as UploadRoutes
}

import type { InferRecord, Model, Stored } from '@s3verless/core'
import { defineSystemModel } from '@s3verless/core/internal'
import * as z from 'zod'

/** The fields of an {@link UploadedFile} record (beside `id`, `createdAt`, `updatedAt`). */
export const uploadedFileShape = {
  /** The object's key: `{prefix}yyyy/mm/dd/{id}{ext}`; the record's id is the key's UUID. */
  s3Key: z.string().min(1).max(1024),
  /** The original file name, made safe (no path, no control characters, at most 255 bytes). */
  filename: z.string().min(1).max(1024),
  /** The media type the object is stored and served with. */
  contentType: z.string().min(3).max(255),
  /** Size in bytes. */
  size: z.number().int().nonnegative(),
  /** The id of the user who uploaded it, or `null`. Indexed: `files.findAllBy('uploadedBy', userId)`. */
  uploadedBy: z.string().min(1).max(256).nullable().default(null),
  /** Whether the application lets anyone download it (the spec's `is_public`; S3verless itself never makes objects public). */
  isPublic: z.boolean().default(false),
  /** The object's etag when the record was made. */
  etag: z.string().max(256).default(''),
  /** The application's metadata given with the upload. */
  metadata: z.record(z.string(), z.string()).default({}),
}

/** The model of {@link UploadedFile}. */
export type UploadedFileModel = Model<z.ZodObject<typeof uploadedFileShape>>

/**
 * The record of a stored upload (the spec's `UploadedFile`), kept under the reserved `uploads`
 * plural (`{base}uploads/{id}.json`) with the upload key's UUID as its id, so there is at most one
 * record per object. Add it to your database's models to store file records there and to point at
 * files from your models (`belongsTo('UploadedFile', { foreignKey: 'avatarId' })`); it has no
 * generic CRUD API (uploads go through `PresignedUploadService` or `storeUpload`).
 * @example
 * const db = createDatabase({ store, models: [UploadedFile, Product] })
 * const mine = await db.repository(UploadedFile).findAllBy('uploadedBy', user.id)
 */
export const UploadedFile: UploadedFileModel = defineSystemModel(z.object(uploadedFileShape), {
  name: 'UploadedFile',
  plural: 'uploads',
  indexed: ['uploadedBy'],
  enableApi: false,
})

/** A stored file record, with its etag. */
export type UploadedFile = Stored<InferRecord<UploadedFileModel>>

import type { InferRecord } from '@s3verless/core'
import type { PresignedUpload, UploadedFileModel } from '@s3verless/storage'
import type { Hono } from 'hono'
import type { S3verlessEnv } from '../app/env.js'
import type { JsonEndpoint, ProblemEndpoint } from '../crud/model-routes-types.js'

type UploadedFile = InferRecord<UploadedFileModel>

type Id = { param: { id: string } }
type Presign = { filename: string; size: number; contentType?: string }
type Redirect = { input: Id; output: undefined; outputFormat: 'redirect'; status: 302 }
type Bytes = { input: Id; output: undefined; outputFormat: 'body'; status: 200 }

/** The route types of {@link uploadRoutes}, relative to where they are mounted (`/uploads`). */
export type UploadRoutesSchema = {
  '/presign': {
    $post:
      | JsonEndpoint<{ json: Presign }, PresignedUpload, 200>
      | ProblemEndpoint<{ json: Presign }, 401 | 403 | 413 | 415 | 422 | 501 | 503>
  }
  '/confirm': {
    $post:
      | JsonEndpoint<{ json: { key: string } }, UploadedFile, 201>
      | ProblemEndpoint<{ json: { key: string } }, 401 | 403 | 404 | 422 | 503>
  }
  '/files/:filename': {
    $put:
      | JsonEndpoint<{ param: { filename: string } }, UploadedFile, 201>
      | ProblemEndpoint<{ param: { filename: string } }, 401 | 403 | 413 | 415 | 422 | 503>
  }
  '/:id': {
    $get: JsonEndpoint<Id, UploadedFile, 200> | ProblemEndpoint<Id, 401 | 403 | 404 | 503>
    $delete: { input: Id; output: null; outputFormat: 'body'; status: 204 } | ProblemEndpoint<Id, 401 | 403 | 404 | 503>
  }
  '/:id/download': { $get: Redirect | Bytes | ProblemEndpoint<Id, 401 | 403 | 404 | 503> }
}

/** The Hono app {@link uploadRoutes} returns. */
export type UploadRoutes = Hono<S3verlessEnv, UploadRoutesSchema, '/'>

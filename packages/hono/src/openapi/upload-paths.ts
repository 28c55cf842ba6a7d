import * as z from 'zod'
import type { AccessSubject } from '../crud/access.js'
import { accessErrors, accessSpec } from './model-paths.js'
import { named, type OpenApiRegistry } from './openapi-registry.js'
import { problem } from './schemas.js'

const FileSchema = named(
  z.object({
    id: z.uuid(),
    s3Key: z.string(),
    filename: z.string(),
    contentType: z.string(),
    size: z.number().int(),
    uploadedBy: z.string().nullable(),
    isPublic: z.boolean(),
  }),
  'UploadedFile',
)

/** Documents the upload routes of {@link uploadRoutes}, each with the security of its access rule. */
export function registerUploadPaths(reg: OpenApiRegistry, prefix: string, access: AccessSubject): void {
  const tags = ['Uploads']
  const file = { description: 'The file record', content: { 'application/json': { schema: FileSchema } } }
  const id = z.object({ id: z.uuid() })
  reg.registerPath({
    method: 'post',
    path: `${prefix}/uploads/presign`,
    tags,
    ...accessSpec(access, 'create'),
    summary: 'Presign a PUT (S3 only)',
    request: {
      body: {
        content: {
          'application/json': { schema: z.object({ filename: z.string(), size: z.number().int(), contentType: z.string().optional() }) },
        },
      },
    },
    responses: {
      ...accessErrors(access, 'create'),
      200: { description: 'URL, headers and key' },
      422: problem('Type, size or name refused'),
      501: problem('This store cannot presign: use PUT /uploads/files/{filename}'),
    },
  })
  reg.registerPath({
    method: 'post',
    path: `${prefix}/uploads/confirm`,
    tags,
    ...accessSpec(access, 'create'),
    summary: 'Record an uploaded object',
    request: { body: { content: { 'application/json': { schema: z.object({ key: z.string() }) } } } },
    responses: {
      ...accessErrors(access, 'create'),
      201: file,
      404: problem('Nothing uploaded at that key'),
    },
  })
  reg.registerPath({
    method: 'put',
    path: `${prefix}/uploads/files/{filename}`,
    tags,
    ...accessSpec(access, 'create'),
    summary: 'Upload a file in the request body (checked type and size)',
    request: { params: z.object({ filename: z.string() }) },
    responses: {
      ...accessErrors(access, 'create'),
      201: file,
      422: problem('Type or size refused'),
    },
  })
  reg.registerPath({
    method: 'get',
    path: `${prefix}/uploads/{id}`,
    tags,
    ...accessSpec(access, 'get'),
    summary: 'A file record (yours, or any for admins)',
    request: { params: id },
    responses: {
      ...accessErrors(access, 'get'),
      200: file,
      404: problem('Not found'),
    },
  })
  reg.registerPath({
    method: 'get',
    path: `${prefix}/uploads/{id}/download`,
    tags,
    ...accessSpec(access, 'get'),
    summary: 'Download: a redirect to a presigned GET, or the bytes',
    request: { params: id },
    responses: {
      ...accessErrors(access, 'get'),
      200: { description: 'The bytes' },
      302: { description: 'Presigned URL' },
      404: problem('Not found'),
    },
  })
  reg.registerPath({
    method: 'delete',
    path: `${prefix}/uploads/{id}`,
    tags,
    ...accessSpec(access, 'delete'),
    summary: 'Delete a file',
    request: { params: id },
    responses: {
      ...accessErrors(access, 'delete', false),
      204: { description: 'Deleted' },
      404: problem('Not found'),
    },
  })
}

import type { AccessRules, InferRecord } from '@s3verless/core'
import { resolveAccess } from '@s3verless/core/internal'
import type { UploadedFileModel } from '@s3verless/storage'
import type { AccessSubject } from '../crud/access.js'

/** What a `create` predicate of the upload routes sees: the file asked for, and who uploads it. */
export interface UploadInput {
  filename: string
  contentType: string | null
  /** Bytes, as declared (presign) or sent (`Content-Length` of a plain PUT), when known. */
  size: number | undefined
  /** The caller's id, or `null` for an anonymous upload (only under a `'public'` create rule). */
  uploadedBy: string | null
}

/**
 * Access rules of the upload routes, as for a model (see `ModelOptions.access`), for the three
 * operations they have: `get` (`GET /uploads/{id}` and its download), `create` (presign, confirm,
 * and the plain `PUT /uploads/files/{name}`), `delete`. `'owner'` means the file's `uploadedBy`.
 * Default: `{ get: 'owner', create: 'signedIn', delete: 'owner' }` (signed-in users upload; each
 * sees and deletes their own files; admins all).
 * @example uploadAccess: { get: 'public', create: role('editor'), delete: 'owner' }
 */
export type UploadAccessRules = Pick<AccessRules<InferRecord<UploadedFileModel>, UploadInput>, 'get' | 'create' | 'delete'>

/** The default {@link UploadAccessRules}. */
export const DEFAULT_UPLOAD_ACCESS: UploadAccessRules = { get: 'owner', create: 'signedIn', delete: 'owner' }

/**
 * The upload routes' rules as an {@link AccessSubject}, checked like a model's.
 * @throws ModelDefinitionError for a missing or malformed rule.
 */
export function uploadAccessSubject(rules: Partial<UploadAccessRules> = {}): AccessSubject {
  const given = { ...DEFAULT_UPLOAD_ACCESS, ...rules }
  const access = resolveAccess(
    'UploadedFile',
    { list: 'owner', update: 'owner', ...given },
    { requireAuth: false, ownerField: 'uploadedBy' },
  )
  return { name: 'UploadedFile', plural: 'uploads', ownerField: 'uploadedBy', access }
}

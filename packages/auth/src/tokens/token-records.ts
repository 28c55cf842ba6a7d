import * as z from 'zod'

const iso = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'must be an ISO date')

/** A refresh token's record, stored at `_auth/refresh/{sha256(token)}.json`. The token itself is never stored. */
export const refreshRecordSchema = z.object({
  v: z.literal(1),
  userId: z.string(),
  sessionId: z.string(),
  issuedAt: iso,
  expiresAt: iso,
})
/** A refresh token's record. */
export type RefreshRecord = z.infer<typeof refreshRecordSchema>

/**
 * A session (refresh token family), stored at `_auth/families/{sessionId}.json`. `current` is the
 * hash of the one refresh token that may be used next: rotation replaces it with compare-and-swap
 * (`previous` then holds the token it replaced). Presenting `previous` again within the reuse
 * interval of the rotation (`lastUsedAt`) answers the same new pair; any other token of the
 * family, or `previous` later, is reuse and revokes the session.
 */
export const familyRecordSchema = z.object({
  v: z.literal(1),
  id: z.string(),
  userId: z.string(),
  current: z.string(),
  previous: z.string().nullable(),
  /** The user's token version when the session started; a later version revokes the session. */
  tokenVersion: z.number().int(),
  createdAt: iso,
  lastUsedAt: iso,
  /** When the current refresh token expires. */
  expiresAt: iso,
  deviceInfo: z.string().nullable(),
  ipAddress: z.string().nullable(),
  revokedAt: iso.nullable(),
  revokedReason: z.string().nullable(),
  /** A random mark of the rotation that wrote this version, so a writer whose answer was lost can tell its own write. */
  rotation: z.string().optional(),
})
/** A session's record. */
export type FamilyRecord = z.infer<typeof familyRecordSchema>

/** Why a session was revoked. */
export type RevokeReason = 'logout' | 'reuse' | 'revokeAll' | 'passwordChange' | 'deactivated' | 'userDeleted'

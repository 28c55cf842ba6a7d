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
 * hash of the one refresh token that may be used next: rotation replaces it with compare-and-swap,
 * so of two refreshes racing with one token exactly one wins; presenting any other token of the
 * family is reuse and revokes it.
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
})
/** A session's record. */
export type FamilyRecord = z.infer<typeof familyRecordSchema>

/** Why a session was revoked. */
export type RevokeReason = 'logout' | 'reuse' | 'revokeAll' | 'passwordChange' | 'deactivated' | 'userDeleted'

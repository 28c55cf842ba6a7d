import { uuidv7 } from '@s3verless/core'
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose'
import { AuthError } from '../errors.js'
import type { TokenConfig } from './token-config.js'

/** The claims of an access token S3verless signed. */
export interface AccessTokenClaims {
  /** The user's id. */
  sub: string
  /** The token's unique id (what the blacklist revokes). */
  jti: string
  type: 'access'
  /** Issued at, seconds since the epoch. */
  iat: number
  /** Expires at, seconds since the epoch. */
  exp: number
  /** The user's token version when issued: a later version (password change, revoke-all) revokes it. */
  ver: number
  /** The session (refresh token family) it was issued for, when it came with a refresh token. */
  sid?: string
  iss?: string
  aud?: string | string[]
}

/** A freshly signed access token. */
export interface SignedAccessToken {
  token: string
  jti: string
  expiresAt: Date
  /** Lifetime in seconds. */
  expiresIn: number
}

/** What a new access token is about. */
export interface AccessTokenSubject {
  userId: string
  tokenVersion: number
  sessionId?: string | undefined
  /** The token id (default a new UUIDv7). */
  jti?: string | undefined
  /** When it counts as issued (default now); it expires the lifetime after. */
  issuedAt?: Date | undefined
}

const invalid = (reason: string, cause?: unknown) =>
  new AuthError('auth.invalidToken', `Access token is invalid: ${reason}`, {
    ...(cause === undefined ? {} : { cause }),
    details: { reason },
  })

/**
 * Signs and verifies access tokens (JWT, HMAC with the shared secret). The algorithm is pinned on
 * verify: a token whose header names another algorithm — `none`, another HS size, an asymmetric
 * one — is refused before its signature is looked at.
 */
export class AccessTokens {
  constructor(
    private readonly config: TokenConfig,
    private readonly now: () => Date,
  ) {}

  /** Signs a token for a user. No request. @throws SettingsError naming SECRET_KEY when it is missing or short. */
  async sign(subject: AccessTokenSubject): Promise<SignedAccessToken> {
    const key = this.config.key()
    const iat = Math.floor((subject.issuedAt ?? this.now()).getTime() / 1000)
    const expiresIn = Math.round(this.config.accessTokenExpireMinutes * 60)
    const jti = subject.jti ?? uuidv7()
    const claims: Record<string, unknown> = { type: 'access', ver: subject.tokenVersion }
    if (subject.sessionId) claims.sid = subject.sessionId
    let jwt = new SignJWT(claims)
      .setProtectedHeader({ alg: this.config.algorithm, typ: 'JWT' })
      .setSubject(subject.userId)
      .setJti(jti)
      .setIssuedAt(iat)
      .setExpirationTime(iat + expiresIn)
    if (this.config.issuer) jwt = jwt.setIssuer(this.config.issuer)
    if (this.config.audience) jwt = jwt.setAudience(this.config.audience)
    return { token: await jwt.sign(key), jti, expiresAt: new Date((iat + expiresIn) * 1000), expiresIn }
  }

  /**
   * Checks signature, algorithm, expiry, issuer/audience (when configured) and the claims' shape.
   * No request (the blacklist is checked by the caller).
   * @throws AuthError `auth.expiredToken`, or `auth.invalidToken` (malformed, tampered, wrong algorithm or key, not an access token)
   * @throws SettingsError naming SECRET_KEY when it is missing or short.
   */
  async verify(token: string): Promise<AccessTokenClaims> {
    const key = this.config.key()
    if (typeof token !== 'string' || token.length === 0 || token.length > 8192) throw invalid('not a JWT')
    let payload: Record<string, unknown>
    try {
      const result = await jwtVerify(token, key, {
        algorithms: [this.config.algorithm],
        requiredClaims: ['sub', 'jti', 'iat', 'exp'],
        currentDate: this.now(),
        ...(this.config.issuer ? { issuer: this.config.issuer } : {}),
        ...(this.config.audience ? { audience: this.config.audience } : {}),
      })
      payload = result.payload as Record<string, unknown>
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) {
        throw new AuthError('auth.expiredToken', 'Access token has expired', { cause: error, details: { reason: 'expired' } })
      }
      if (error instanceof joseErrors.JOSEAlgNotAllowed) throw invalid('its algorithm is not the configured one', error)
      if (error instanceof joseErrors.JWSSignatureVerificationFailed) throw invalid('signature verification failed', error)
      if (error instanceof joseErrors.JOSEError) throw invalid((error as Error).message, error)
      throw error
    }
    if (payload.type !== 'access') throw invalid('not an access token')
    const { sub, jti, ver, sid } = payload
    if (typeof sub !== 'string' || typeof jti !== 'string' || typeof ver !== 'number' || !Number.isInteger(ver)) {
      throw invalid('missing or malformed sub, jti or ver claim')
    }
    if (sid !== undefined && typeof sid !== 'string') throw invalid('malformed sid claim')
    return payload as unknown as AccessTokenClaims
  }
}

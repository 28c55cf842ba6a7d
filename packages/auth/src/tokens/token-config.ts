import { type S3verlessSettings, SettingsError, TOKEN_ALGORITHMS } from '@s3verless/core'
import { encodeUtf8 } from '../encoding.js'
import { AuthError } from '../errors.js'

/** JWT algorithms for the shared secret: `HS256` (default), `HS384`, `HS512`. */
export type TokenAlgorithm = (typeof TOKEN_ALGORITHMS)[number]

/** Shortest accepted secret, in characters (as the settings require). */
export const MIN_SECRET_LENGTH = 32

/** How tokens are made, resolved from options over settings. */
export interface TokenConfig {
  readonly algorithm: TokenAlgorithm
  readonly accessTokenExpireMinutes: number
  readonly refreshTokenExpireDays: number
  /** Seconds after a rotation during which the rotated refresh token still answers the same new pair. */
  readonly refreshReuseIntervalSeconds: number
  readonly issuer: string | undefined
  readonly audience: string | undefined
  /** The signing key; throws a `settings.invalid` error naming SECRET_KEY when missing or short. */
  key(): Uint8Array<ArrayBuffer>
}

/** Options that override the settings. */
export interface TokenConfigInput {
  secretKey?: string | undefined
  algorithm?: TokenAlgorithm | undefined
  accessTokenExpireMinutes?: number | undefined
  refreshTokenExpireDays?: number | undefined
  refreshReuseIntervalSeconds?: number | undefined
  issuer?: string | undefined
  audience?: string | undefined
}

function positive(value: number, name: string, max: number): number {
  if (!Number.isFinite(value) || value <= 0 || value > max) {
    throw new AuthError('auth.invalidOptions', `${name} must be a positive number up to ${max}, got ${value}`, {
      details: { [name]: value },
    })
  }
  return value
}

/** Default reuse interval of a rotated refresh token, in seconds. */
export const DEFAULT_REFRESH_REUSE_INTERVAL_SECONDS = 10
/** Longest reuse interval accepted, in seconds. */
export const MAX_REFRESH_REUSE_INTERVAL_SECONDS = 300

function reuseInterval(value: number, accessSeconds: number): number {
  const max = Math.min(MAX_REFRESH_REUSE_INTERVAL_SECONDS, accessSeconds)
  if (!Number.isFinite(value) || value < 0 || value > max) {
    throw new AuthError(
      'auth.invalidOptions',
      `refreshReuseIntervalSeconds must be from 0 to ${max} (at most ${MAX_REFRESH_REUSE_INTERVAL_SECONDS} s and not above the access token lifetime), got ${value}`,
      { details: { refreshReuseIntervalSeconds: value } },
    )
  }
  return value
}

/**
 * Resolves the token configuration. The secret is checked only when a token is first signed or
 * verified, so a service used only for passwords needs none.
 * @throws SettingsError naming ALGORITHM for an unsupported algorithm; AuthError `auth.invalidOptions` for bad lifetimes.
 */
export function resolveTokenConfig(settings: S3verlessSettings, input: TokenConfigInput): TokenConfig {
  const algorithm = input.algorithm ?? settings.algorithm
  if (!(TOKEN_ALGORITHMS as readonly string[]).includes(algorithm)) {
    throw new SettingsError(`ALGORITHM must be one of ${TOKEN_ALGORITHMS.join(', ')}, got ${JSON.stringify(algorithm)}`, {
      details: { variables: ['ALGORITHM'] },
    })
  }
  const secret = input.secretKey ?? settings.secretKey
  let key: Uint8Array<ArrayBuffer> | undefined
  const accessTokenExpireMinutes = positive(
    input.accessTokenExpireMinutes ?? settings.accessTokenExpireMinutes,
    'accessTokenExpireMinutes',
    525_600,
  )
  return {
    algorithm,
    accessTokenExpireMinutes,
    refreshTokenExpireDays: positive(input.refreshTokenExpireDays ?? 7, 'refreshTokenExpireDays', 3650),
    refreshReuseIntervalSeconds: reuseInterval(
      input.refreshReuseIntervalSeconds ?? Math.min(DEFAULT_REFRESH_REUSE_INTERVAL_SECONDS, accessTokenExpireMinutes * 60),
      accessTokenExpireMinutes * 60,
    ),
    issuer: input.issuer,
    audience: input.audience,
    key() {
      if (key) return key
      if (secret === undefined || secret === '') {
        throw new SettingsError(
          `SECRET_KEY is required to sign and verify tokens but is not set (use a random string of at least ${MIN_SECRET_LENGTH} characters: openssl rand -hex 32)`,
          { details: { variables: ['SECRET_KEY'] } },
        )
      }
      if (typeof secret !== 'string' || secret.length < MIN_SECRET_LENGTH) {
        throw new SettingsError(
          `SECRET_KEY must be at least ${MIN_SECRET_LENGTH} characters (a random string: openssl rand -hex 32); the one given has ${String(secret).length}`,
          { details: { variables: ['SECRET_KEY'] } },
        )
      }
      key = encodeUtf8(secret)
      return key
    },
  }
}

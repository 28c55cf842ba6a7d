import { publicUser, type S3AuthService } from '@s3verless/auth'
import type { Model } from '@s3verless/core'
import type { MiddlewareHandler } from 'hono'
import type { RequestUser, S3verlessEnv } from '../app/env.js'
import { HttpError } from '../errors/http-error.js'

/** The token of an `Authorization: Bearer …` header, or `undefined`. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')
  return match?.[1]
}

/**
 * Middleware that signs in the user of an `Authorization: Bearer <access token>` header
 * (`getCurrentUser`: signature, expiry, blacklist, user still active) and sets `c.get('user')`.
 * No header: the request goes on anonymously. A bad token: 401 (`auth.invalidToken`,
 * `auth.expiredToken`, `auth.revokedToken`), `auth.inactiveUser` 403.
 */
export function bearerUser<M extends Model>(auth: S3AuthService<M>): MiddlewareHandler<S3verlessEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization')
    if (header !== undefined) {
      const token = bearerToken(header)
      if (!token) throw new HttpError('auth.invalidToken', 'The Authorization header must be "Bearer <access token>"')
      c.set('user', publicUser(await auth.getCurrentUser(token)) as RequestUser)
    }
    await next()
  }
}

/**
 * Middleware refusing anonymous requests with 401 problem+json. Put it after the app's bearer
 * middleware (the `S3verless` app installs it on every API route).
 * @example
 * app.get('/reports', requireAuth(), (c) => c.json({ for: c.get('user')!.username }))
 */
export function requireAuth(): MiddlewareHandler<S3verlessEnv> {
  return async (c, next) => {
    if (!c.get('user')) throw new HttpError('http.unauthorized', 'Sign in first: send an Authorization: Bearer <access token> header')
    await next()
  }
}

/**
 * Middleware letting through only users with `role` (admins always): 401 when anonymous, 403 otherwise.
 * `requireRole('admin')` means `isAdmin`.
 * @example
 * app.delete('/cache', requireRole('admin'), handler)
 */
export function requireRole(role: string): MiddlewareHandler<S3verlessEnv> {
  return async (c, next) => {
    const user = c.get('user')
    if (!user) throw new HttpError('http.unauthorized', 'Sign in first: send an Authorization: Bearer <access token> header')
    if (!user.isAdmin && !(role !== 'admin' && user.roles.includes(role))) {
      throw new HttpError('http.forbidden', `This needs the "${role}" role`)
    }
    await next()
  }
}

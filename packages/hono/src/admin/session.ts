import { publicUser, type S3AuthService, type TokenPair } from '@s3verless/auth'
import { isS3verlessError, type Model } from '@s3verless/core'
import type { Context } from 'hono'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'
import type { RequestUser } from '../app/env.js'
import { isHttps } from './csrf.js'

const ACCESS = 's3v_admin'
const REFRESH = 's3v_admin_refresh'

/** Stores a login's tokens in HttpOnly, SameSite=Strict cookies scoped to the admin path (never in page script). */
export function startSession(c: Context, path: string, tokens: TokenPair): void {
  const options = { httpOnly: true, sameSite: 'Strict' as const, path, secure: isHttps(c) }
  setCookie(c, ACCESS, tokens.accessToken, { ...options, maxAge: tokens.expiresIn })
  setCookie(c, REFRESH, tokens.refreshToken, { ...options, expires: tokens.refreshTokenExpiresAt })
}

/** Forgets the session cookies. */
export function endSession(c: Context, path: string): void {
  deleteCookie(c, ACCESS, { path })
  deleteCookie(c, REFRESH, { path })
}

/**
 * The session a sign-out form belongs to, found without refreshing anything (a sign-out must not
 * mint a token): the verified access cookie's `sid`, else — the access token expired while the
 * admin was idle — the session the refresh cookie was issued for (1 GET). `undefined` when neither
 * names a session.
 */
export async function sessionToEnd(c: Context, auth: S3AuthService<Model>): Promise<string | undefined> {
  const access = getCookie(c, ACCESS)
  if (access) {
    try {
      const claims = await auth.verifyAccessToken(access)
      if (claims.sid) return claims.sid
    } catch (error) {
      if (!isS3verlessError(error) || !error.code.startsWith('auth.')) throw error
    }
  }
  const refresh = getCookie(c, REFRESH)
  return refresh ? (await auth.sessionOfRefreshToken(refresh))?.sessionId : undefined
}

/** Ends the admin session of the cookies, every token of it, and forgets the cookies. Mints nothing. */
export async function signOut(c: Context, path: string, auth: S3AuthService<Model>): Promise<void> {
  const refresh = getCookie(c, REFRESH)
  const access = getCookie(c, ACCESS)
  if (refresh) await auth.revokeRefreshToken(refresh)
  if (access) await auth.logout(access).catch(() => undefined) // expired or already ended: nothing left to end
  endSession(c, path)
}

/** The admin session id of each request whose session was read (the `sid` of its access token). */
const sessionIds = new WeakMap<Request, string>()

/** The admin session (refresh token family) of this request, once {@link sessionUser} found one. */
export const sessionIdOf = (c: Context): string | undefined => sessionIds.get(c.req.raw)

/** The `sid` claim of an access token already verified (a token without one: its `jti`). */
function sidOf(token: string): string | undefined {
  try {
    const part = (token.split('.')[1] ?? '').replace(/-/g, '+').replace(/_/g, '/')
    const claims = JSON.parse(atob(part)) as { sid?: unknown; jti?: unknown }
    const sid = claims.sid ?? claims.jti
    return typeof sid === 'string' ? sid : undefined
  } catch {
    return undefined
  }
}

/**
 * The signed-in admin-session user, refreshing an expired access token with the refresh cookie
 * (rotation: the new pair replaces both cookies); `undefined` when there is no valid session.
 */
export async function sessionUser(c: Context, path: string, auth: S3AuthService<Model>): Promise<RequestUser | undefined> {
  const access = getCookie(c, ACCESS)
  if (access) {
    try {
      const user = publicUser(await auth.getCurrentUser(access)) as RequestUser
      const sid = sidOf(access)
      if (sid) sessionIds.set(c.req.raw, sid)
      return user
    } catch (error) {
      if (!isS3verlessError(error) || !error.code.startsWith('auth.')) throw error
    }
  }
  const refresh = getCookie(c, REFRESH)
  if (!refresh) return undefined
  try {
    const tokens = await auth.refreshAccessToken(refresh)
    startSession(c, path, tokens)
    const user = publicUser(await auth.getCurrentUser(tokens.accessToken)) as RequestUser
    sessionIds.set(c.req.raw, tokens.sessionId)
    return user
  } catch (error) {
    if (!isS3verlessError(error) || !error.code.startsWith('auth.')) throw error
    endSession(c, path)
    return undefined
  }
}

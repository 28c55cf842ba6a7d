import { publicUser, type RateLimiter, type S3AuthService, type TokenPair } from '@s3verless/auth'
import { isS3verlessError, type Model } from '@s3verless/core'
import { type Context, Hono } from 'hono'
import type { RequestUser, S3verlessEnv } from '../app/env.js'
import { isObject, readFormBody, readJson } from '../crud/body.js'
import { HttpError } from '../errors/http-error.js'
import { setupFirstAdmin } from './admin-setup.js'
import type { AuthRoutes } from './auth-routes-types.js'
import { bearerToken, requireAuth } from './bearer.js'
import type { ClientAddressOf } from './client-address.js'

/** Options of {@link authRoutes}. */
export interface AuthRoutesOptions {
  /** Rate limits for login, register and refresh (`false`: none). */
  rateLimiter: RateLimiter | false
  clientAddress: ClientAddressOf
  /** The one-time token that lets `POST /setup` make the first admin (none: setup is off). */
  setupToken?: string | undefined
}

/** The `refreshToken` of a logout body, when one was sent (any string: an unknown or malformed one ends nothing). */
async function optionalRefreshToken(c: Context): Promise<string | undefined> {
  const type = c.req.header('content-type')
  if (type === undefined && !c.req.header('content-length') && !c.req.header('transfer-encoding')) return undefined
  const body = await readJson(c)
  if (!isObject(body) || body.refreshToken === undefined) return undefined
  if (typeof body.refreshToken !== 'string' || body.refreshToken === '')
    throw new HttpError('http.validation', 'Invalid request body', {
      errors: [{ path: ['refreshToken'], message: 'expected a non-empty string' }],
    })
  return body.refreshToken
}

function strings(body: unknown, names: readonly string[], optional: readonly string[] = []): Record<string, string> {
  const errors: { path: string[]; message: string }[] = []
  const out: Record<string, string> = {}
  const source = isObject(body) ? body : {}
  for (const name of [...names, ...optional]) {
    const value = source[name]
    if (typeof value === 'string' && value !== '') out[name] = value
    else if (names.includes(name) || (value !== undefined && value !== null))
      errors.push({ path: [name], message: 'expected a non-empty string' })
  }
  if (errors.length) throw new HttpError('http.validation', 'Invalid request body', { errors })
  return out
}

async function formOrJson(c: Context): Promise<{ body: unknown; form: boolean }> {
  const type = c.req.header('content-type') ?? ''
  if (/^application\/x-www-form-urlencoded\b|^multipart\/form-data\b/i.test(type)) return { body: await readFormBody(c), form: true }
  return { body: await readJson(c), form: false }
}

/**
 * Auth routes on `S3AuthService` (mount at `/auth`): `POST /register`, `POST /login` (JSON
 * `{ username, password }` or the OAuth2 password form, which also answers `access_token` and
 * `token_type`), `POST /refresh`, `POST /logout` (ends the session: `{ refreshToken }` in the body,
 * an access token in `Authorization`, or both; the refresh token alone works once the access token
 * has expired), `POST /logout-all`, `GET /me`, and
 * `POST /setup` (first admin, with the one-time setup token). Login, register and refresh are
 * rate limited with `RateLimit-*` headers (429 with `Retry-After` past the limit).
 */
export function authRoutes<M extends Model>(auth: S3AuthService<M>, options: AuthRoutesOptions): AuthRoutes {
  const limit = async (c: Context, endpoint: string) => {
    if (!options.rateLimiter) return
    const info = await options.rateLimiter.enforce({ headers: c.req.raw.headers, remoteAddress: options.clientAddress(c) }, endpoint)
    for (const [name, value] of Object.entries(options.rateLimiter.getRateLimitHeaders(info))) c.header(name, value)
  }
  const session = (c: Context) => ({ deviceInfo: c.req.header('user-agent') ?? undefined, ipAddress: options.clientAddress(c) })
  const tokens = (pair: TokenPair, form: boolean) => ({
    ...pair,
    ...(form
      ? { access_token: pair.accessToken, token_type: pair.tokenType, refresh_token: pair.refreshToken, expires_in: pair.expiresIn }
      : {}),
  })

  // A new user's resource: `/auth/me` (what that user reads once signed in).
  const meOf = (c: Context) => new URL(c.req.url).pathname.replace(/\/(register|setup)\/?$/, '/me')

  return new Hono<S3verlessEnv>()
    .post('/register', async (c) => {
      await limit(c, 'register')
      const input = strings(await readJson(c), ['username', 'email', 'password'], ['fullName'])
      const user = await auth.createUser(input as never)
      return c.json(publicUser(user) as RequestUser, 201, { Location: meOf(c) })
    })
    .post('/login', async (c) => {
      await limit(c, 'login')
      const { body, form } = await formOrJson(c)
      const input = strings(body, ['username', 'password'])
      const user = await auth.authenticateUser(input.username as string, input.password as string)
      if (!user) throw new HttpError('auth.invalidCredentials', 'Wrong username or password')
      if (!auth.isActive(user)) throw new HttpError('auth.inactiveUser', 'This user is deactivated')
      return c.json(tokens(await auth.createTokenPair(user, session(c)), form), 200, { 'cache-control': 'no-store' })
    })
    .post('/refresh', async (c) => {
      await limit(c, 'refresh')
      const input = strings(await readJson(c), ['refreshToken'])
      return c.json(tokens(await auth.refreshAccessToken(input.refreshToken as string, session(c)), false), 200, {
        'cache-control': 'no-store',
      })
    })
    .post('/logout', async (c) => {
      // The bearer middleware leaves this route alone, so an expired access token does not stop a logout.
      const header = c.req.header('authorization')
      const access = header === undefined ? undefined : bearerToken(header)
      const refreshToken = await optionalRefreshToken(c)
      if (refreshToken === undefined && access === undefined) {
        if (header !== undefined) throw new HttpError('auth.invalidToken', 'The Authorization header must be "Bearer <access token>"')
        throw new HttpError(
          'http.unauthorized',
          'Send the refresh token as {"refreshToken": "…"}, or an Authorization: Bearer <access token> header',
        )
      }
      if (refreshToken !== undefined) await auth.revokeRefreshToken(refreshToken)
      if (access !== undefined) {
        try {
          await auth.logout(access)
        } catch (error) {
          // With a refresh token its session has ended already: a stale access token changes nothing.
          if (refreshToken === undefined || !isS3verlessError(error) || !error.code.startsWith('auth.')) throw error
        }
      }
      return c.body(null, 204)
    })
    .post('/logout-all', requireAuth(), async (c) => {
      const user = c.get('user') as RequestUser
      await auth.revokeAllUserTokens(user.id)
      await auth.logout(bearerToken(c.req.header('authorization')) as string)
      return c.body(null, 204)
    })
    .get('/me', requireAuth(), (c) => c.json(c.get('user') as RequestUser, 200))
    .post('/setup', async (c) => {
      await limit(c, 'login')
      const input = strings(await readJson(c), ['setupToken', 'username', 'email', 'password'])
      const user = await setupFirstAdmin(auth as unknown as S3AuthService<Model>, options.setupToken, input as never)
      return c.json(publicUser(user) as RequestUser, 201, { Location: meOf(c) })
    }) as unknown as AuthRoutes
}

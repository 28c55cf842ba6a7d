import * as z from 'zod'
import { named, type OpenApiRegistry } from './openapi-registry.js'
import { problem } from './schemas.js'

const body = (schema: z.ZodType) => ({ body: { content: { 'application/json': { schema } } } })

const UserSchema = named(
  z.object({
    id: z.uuid(),
    username: z.string(),
    email: z.string(),
    fullName: z.string().nullable(),
    isActive: z.boolean(),
    isAdmin: z.boolean(),
    roles: z.array(z.string()),
  }),
  'User',
)
const TokensSchema = named(
  z.object({
    accessToken: z.string(),
    refreshToken: z.string(),
    tokenType: z.literal('bearer'),
    expiresIn: z.number().int(),
    refreshTokenExpiresAt: z.iso.datetime(),
    sessionId: z.string(),
  }),
  'TokenPair',
)

/** Documents the auth routes of {@link authRoutes}. */
export function registerAuthPaths(reg: OpenApiRegistry, prefix: string): void {
  const tags = ['Auth']
  const limited = { 429: problem('Too many attempts (see Retry-After)') }
  reg.registerPath({
    method: 'post',
    path: `${prefix}/auth/register`,
    tags,
    summary: 'Register a user',
    request: body(z.object({ username: z.string(), email: z.email(), password: z.string(), fullName: z.string().optional() })),
    responses: {
      201: { description: 'Registered', content: { 'application/json': { schema: UserSchema } } },
      409: problem('Username or email taken'),
      422: problem('Invalid input or weak password'),
      ...limited,
    },
  })
  reg.registerPath({
    method: 'post',
    path: `${prefix}/auth/login`,
    tags,
    summary: 'Log in (JSON, or the OAuth2 password form)',
    request: {
      body: {
        content: {
          'application/json': { schema: z.object({ username: z.string(), password: z.string() }) },
          'application/x-www-form-urlencoded': {
            schema: z.object({ grant_type: z.literal('password').optional(), username: z.string(), password: z.string() }),
          },
        },
      },
    },
    responses: {
      200: { description: 'Tokens', content: { 'application/json': { schema: TokensSchema } } },
      401: problem('Wrong username or password'),
      ...limited,
    },
  })
  reg.registerPath({
    method: 'post',
    path: `${prefix}/auth/refresh`,
    tags,
    summary: 'Swap a refresh token for new tokens',
    request: body(z.object({ refreshToken: z.string() })),
    responses: {
      200: { description: 'Tokens', content: { 'application/json': { schema: TokensSchema } } },
      401: problem('Invalid, expired or revoked refresh token'),
      ...limited,
    },
  })
  reg.registerPath({
    method: 'post',
    path: `${prefix}/auth/logout`,
    tags,
    security: [{ bearer: [] }, {}],
    summary: 'End this session (every token of it), with its refresh token, its access token, or both',
    request: body(z.object({ refreshToken: z.string().optional() })),
    responses: {
      204: { description: 'Logged out (also for a refresh token that was unknown or already ended)' },
      401: problem('Neither a refresh token nor a valid access token was sent'),
    },
  })
  reg.registerPath({
    method: 'post',
    path: `${prefix}/auth/logout-all`,
    tags,
    security: [{ bearer: [] }],
    summary: 'End every session of this user',
    responses: { 204: { description: 'Logged out everywhere' }, 401: problem('Sign in first') },
  })
  reg.registerPath({
    method: 'get',
    path: `${prefix}/auth/me`,
    tags,
    security: [{ bearer: [] }],
    summary: 'The signed-in user',
    responses: { 200: { description: 'The user', content: { 'application/json': { schema: UserSchema } } }, 401: problem('Sign in first') },
  })
  reg.registerPath({
    method: 'post',
    path: `${prefix}/auth/setup`,
    tags,
    summary: 'Make the first admin with the one-time setup token',
    request: body(z.object({ setupToken: z.string(), username: z.string(), email: z.email(), password: z.string() })),
    responses: {
      201: { description: 'The admin', content: { 'application/json': { schema: UserSchema } } },
      403: problem('Wrong or missing setup token'),
      409: problem('Setup was already done'),
    },
  })
}

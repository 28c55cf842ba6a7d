import type { Hono } from 'hono'
import type { RequestUser, S3verlessEnv } from '../app/env.js'
import type { JsonEndpoint, ProblemEndpoint } from '../crud/model-routes-types.js'

/** The tokens `login` and `refresh` answer (the OAuth2 form login also gets `access_token` and friends). */
export interface TokensJson {
  accessToken: string
  refreshToken: string
  tokenType: 'bearer'
  expiresIn: number
  refreshTokenExpiresAt: string
  sessionId: string
  access_token?: string
  token_type?: 'bearer'
  refresh_token?: string
  expires_in?: number
}

type Empty<S extends number> = { input: object; output: null; outputFormat: 'body'; status: S }
type Register = { username: string; email: string; password: string; fullName?: string }
type Login = { username: string; password: string }
type Setup = { setupToken: string; username: string; email: string; password: string }

/** The route types of {@link authRoutes} (login is typed as JSON; the OAuth2 password form works too), relative to where they are mounted (`/auth`). */
export type AuthRoutesSchema = {
  '/register': {
    $post: JsonEndpoint<{ json: Register }, RequestUser, 201> | ProblemEndpoint<{ json: Register }, 409 | 422 | 429>
  }
  '/login': {
    $post: JsonEndpoint<{ json: Login }, TokensJson, 200> | ProblemEndpoint<{ json: Login }, 401 | 403 | 422 | 429>
  }
  '/refresh': {
    $post:
      | JsonEndpoint<{ json: { refreshToken: string } }, TokensJson, 200>
      | ProblemEndpoint<{ json: { refreshToken: string } }, 401 | 422 | 429>
  }
  '/logout': {
    $post: (Empty<204> & { input: { json?: { refreshToken?: string } } }) | ProblemEndpoint<{ json?: { refreshToken?: string } }, 401 | 422>
  }
  '/logout-all': { $post: Empty<204> | ProblemEndpoint<object, 401> }
  '/me': { $get: JsonEndpoint<object, RequestUser, 200> | ProblemEndpoint<object, 401> }
  '/setup': { $post: JsonEndpoint<{ json: Setup }, RequestUser, 201> | ProblemEndpoint<{ json: Setup }, 403 | 409 | 422 | 429> }
}

/** The Hono app {@link authRoutes} returns. */
export type AuthRoutes = Hono<S3verlessEnv, AuthRoutesSchema, '/'>

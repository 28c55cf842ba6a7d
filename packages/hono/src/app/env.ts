import type { PublicUser } from '@s3verless/auth'

/** The signed-in user of a request, as routes and middleware see it (no password hash). */
export type RequestUser = PublicUser

/** Hono environment of S3verless apps: `c.get('user')` is the signed-in user, if any. */
export interface S3verlessEnv {
  Variables: {
    /** Set by the bearer-token middleware (API) or the cookie session (admin). */
    user: RequestUser | undefined
  }
}

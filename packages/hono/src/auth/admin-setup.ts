import type { S3AuthService } from '@s3verless/auth'
import { isS3verlessError, type Model } from '@s3verless/core'
import { HttpError } from '../errors/http-error.js'

/** Input of a first-admin setup. */
export interface SetupInput {
  setupToken: string
  username: string
  email: string
  password: string
}

const markerKey = (auth: S3AuthService<Model>) => `${auth.database.basePath}_auth/setup-done.json`

function sameSecret(a: string, b: string): boolean {
  let diff = a.length ^ b.length
  for (let i = 0; i < Math.max(a.length, b.length); i++) diff |= (a.charCodeAt(i) || 0) ^ (b.charCodeAt(i) || 0)
  return diff === 0
}

/** True when the first admin was already made through setup (one GET). */
export async function setupDone(auth: S3AuthService<Model>): Promise<boolean> {
  return (await auth.store.get(markerKey(auth))) !== null
}

/**
 * Makes the first admin with a one-time setup token, the only way (besides the CLI or your own
 * code calling `createUser({ isAdmin: true })`) to get an admin: there are no default
 * credentials. Works once per bucket: a marker object written create-if-absent refuses every later
 * setup, even from another instance with its own token.
 * @throws HttpError `setup.unavailable` (403: no token configured, or a wrong token), `setup.done` (409);
 * the auth service's errors (`auth.userExists`, `auth.weakPassword`).
 */
export async function setupFirstAdmin(auth: S3AuthService<Model>, configured: string | undefined, input: SetupInput) {
  if (!configured || !sameSecret(configured, input.setupToken)) {
    throw new HttpError('setup.unavailable', 'Setup is not available: wrong or missing setup token')
  }
  if (await setupDone(auth)) throw new HttpError('setup.done', 'The first admin was already made; sign in as that admin')
  const [ok, message] = auth.validatePassword(input.password)
  if (!ok) throw new HttpError('auth.weakPassword', message)
  const user = await auth.createUser({ username: input.username, email: input.email, password: input.password, isAdmin: true } as never)
  try {
    await auth.store.put(markerKey(auth), JSON.stringify({ userId: user.id, at: new Date().toISOString() }), { ifNoneMatch: '*' })
  } catch (error) {
    await auth.deleteUser(user.id)
    if (isS3verlessError(error, 'store.preconditionFailed')) throw new HttpError('setup.done', 'The first admin was already made')
    throw error
  }
  return user
}

import { createSettings, isS3verlessError, loadSettings, memoryStore } from '@s3verless/core'
import { decodeJwt, decodeProtectedHeader, SignJWT, UnsecuredJWT } from 'jose'
import { describe, expect, it } from 'vitest'
import { bcryptHasher, S3AuthService, type S3AuthServiceOptions } from '../src/index.js'
import { register, SECRET, setup } from './fixtures.js'

const codeOf = (error: unknown) => (isS3verlessError(error) ? error.code : String(error))
const key = (secret: string) => new TextEncoder().encode(secret)

async function signedIn(options: S3AuthServiceOptions = {}) {
  const env = setup(options)
  const alice = await register(env.auth)
  const pair = await env.auth.createTokenPair(alice)
  return { ...env, alice, pair }
}

describe('access tokens', () => {
  it('carry sub, jti, type, iat, exp (HS256 by default) and verify', async () => {
    const { auth, alice, pair, clock } = await signedIn()
    expect(decodeProtectedHeader(pair.accessToken)).toEqual({ alg: 'HS256', typ: 'JWT' })
    const claims = decodeJwt(pair.accessToken)
    const iat = Math.floor(clock.now().getTime() / 1000)
    expect(claims).toEqual({ sub: alice.id, jti: expect.any(String), type: 'access', iat, exp: iat + 30 * 60, ver: 0, sid: pair.sessionId })
    expect(pair).toMatchObject({ tokenType: 'bearer', expiresIn: 1800 })
    expect(await auth.verifyAccessToken(pair.accessToken)).toEqual(claims)
    expect((await auth.getCurrentUser(pair.accessToken)).id).toBe(alice.id)
    const other = await auth.createTokenPair(alice)
    expect(decodeJwt(other.accessToken).jti).not.toBe(claims.jti)
  })

  it('expire after ACCESS_TOKEN_EXPIRE_MINUTES', async () => {
    const { auth, pair, clock } = await signedIn({ settings: createSettings({ accessTokenExpireMinutes: 5 }) })
    expect(pair.expiresIn).toBe(300)
    clock.advance(299_000)
    await auth.verifyAccessToken(pair.accessToken)
    clock.advance(1_000)
    const error = await auth.verifyAccessToken(pair.accessToken).catch((e) => e)
    expect(codeOf(error)).toBe('auth.expiredToken')
    expect(codeOf(await auth.getCurrentUser(pair.accessToken).catch((e) => e))).toBe('auth.expiredToken')
  })

  it('use the configured algorithm and refuse tokens of any other one', async () => {
    const { auth, alice } = await signedIn({ algorithm: 'HS512' })
    const token = (await auth.createTokenPair(alice)).accessToken
    expect(decodeProtectedHeader(token).alg).toBe('HS512')
    await auth.verifyAccessToken(token)
    const claims = decodeJwt(token)
    // the same claims, correctly signed with the same secret, but HS256: the algorithm is pinned
    const hs256 = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(key(SECRET))
    const error = await auth.verifyAccessToken(hs256).catch((e) => e)
    expect(codeOf(error)).toBe('auth.invalidToken')
    expect(error.message).toMatch(/algorithm is not the configured one/)
  })

  it('refuse an unsigned alg:none token', async () => {
    const { auth, pair } = await signedIn()
    const unsigned = new UnsecuredJWT(decodeJwt(pair.accessToken)).encode()
    expect(decodeProtectedHeader(unsigned).alg).toBe('none')
    expect(codeOf(await auth.verifyAccessToken(unsigned).catch((e) => e))).toBe('auth.invalidToken')
    // and the same with the original signature kept after a rewritten header
    const [, payload, signature] = pair.accessToken.split('.')
    const noneHeader = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')
    expect(codeOf(await auth.verifyAccessToken(`${noneHeader}.${payload}.${signature}`).catch((e) => e))).toBe('auth.invalidToken')
    expect(codeOf(await auth.getCurrentUser(unsigned).catch((e) => e))).toBe('auth.invalidToken')
  })

  it('refuse a token signed with another key, and tampered tokens', async () => {
    const { auth, pair } = await signedIn()
    const claims = decodeJwt(pair.accessToken)
    const forged = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(key(`${SECRET}-other`))
    const error = await auth.verifyAccessToken(forged).catch((e) => e)
    expect(codeOf(error)).toBe('auth.invalidToken')
    expect(error.message).toMatch(/signature verification failed/)

    const [header, payload, signature] = pair.accessToken.split('.') as [string, string, string]
    const admin = Buffer.from(JSON.stringify({ ...claims, sub: '0190f0f0-0000-7000-8000-000000000000' })).toString('base64url')
    const flipped = `${signature.slice(0, -2)}${signature.endsWith('AA') ? 'BA' : 'AA'}`
    for (const bad of [`${header}.${admin}.${signature}`, `${header}.${payload}.${flipped}`, `${header}.${payload}`, '', 'x.y.z']) {
      expect(codeOf(await auth.verifyAccessToken(bad).catch((e) => e))).toBe('auth.invalidToken')
    }
  })

  it('refuse a correctly signed token that is not an access token', async () => {
    const { auth, pair } = await signedIn()
    const claims = decodeJwt(pair.accessToken)
    for (const patch of [{ type: 'refresh' }, { type: undefined }, { ver: 'x' }]) {
      const token = await new SignJWT({ ...claims, ...patch }).setProtectedHeader({ alg: 'HS256' }).sign(key(SECRET))
      expect(codeOf(await auth.verifyAccessToken(token).catch((e) => e))).toBe('auth.invalidToken')
    }
    // and an opaque refresh token is no JWT at all
    expect(codeOf(await auth.verifyAccessToken(pair.refreshToken).catch((e) => e))).toBe('auth.invalidToken')
  })

  it('set and require issuer and audience when configured', async () => {
    const { auth, pair, store } = await signedIn({ issuer: 'https://api.example.com', audience: 'web' })
    expect(decodeJwt(pair.accessToken)).toMatchObject({ iss: 'https://api.example.com', aud: 'web' })
    await auth.verifyAccessToken(pair.accessToken)
    const stranger = new S3AuthService({ store, settings: createSettings({}), secretKey: SECRET, issuer: 'https://other.example.com' })
    expect(codeOf(await stranger.verifyAccessToken(pair.accessToken).catch((e) => e))).toBe('auth.invalidToken')
  })

  it('need SECRET_KEY only when tokens are first used, and say so clearly', async () => {
    const auth = new S3AuthService({ store: memoryStore(), settings: createSettings({}), hasher: bcryptHasher({ cost: 4 }) })
    const alice = await register(auth) // users and passwords work without a secret
    const missing = await auth.createTokenPair(alice).catch((e) => e)
    expect(codeOf(missing)).toBe('settings.invalid')
    expect(missing.message).toMatch(/^SECRET_KEY is required to sign and verify tokens but is not set/)
    expect(missing.details.variables).toEqual(['SECRET_KEY'])
    expect(await auth.users.count()).toBe(1)
    expect(await memoryStoreKeys(auth)).not.toContain('_auth/') // nothing written for the failed login

    const short = new S3AuthService({ store: memoryStore(), settings: createSettings({}), secretKey: 'too-short' })
    const error = await short.verifyAccessToken('a.b.c').catch((e) => e)
    expect(codeOf(error)).toBe('settings.invalid')
    expect(error.message).toMatch(/SECRET_KEY must be at least 32 characters/)
    expect(() => loadSettings({ SECRET_KEY: 'short' })).toThrow(/SECRET_KEY must be at least 32 characters/)
  })

  it('read SECRET_KEY, ALGORITHM and ACCESS_TOKEN_EXPIRE_MINUTES from the settings', async () => {
    const settings = loadSettings({ SECRET_KEY: SECRET, ALGORITHM: 'HS384', ACCESS_TOKEN_EXPIRE_MINUTES: '15' })
    const auth = new S3AuthService({ store: memoryStore(), settings, hasher: bcryptHasher({ cost: 4 }) })
    const pair = await auth.createTokenPair(await register(auth))
    expect(decodeProtectedHeader(pair.accessToken).alg).toBe('HS384')
    expect(pair.expiresIn).toBe(900)
    expect(() => new S3AuthService({ store: memoryStore(), settings, algorithm: 'none' as never })).toThrow(
      /ALGORITHM must be one of HS256, HS384, HS512/,
    )
  })
})

async function memoryStoreKeys(auth: S3AuthService): Promise<string> {
  const page = await auth.store.list('')
  return page.objects.map((o) => o.key).join('\n')
}

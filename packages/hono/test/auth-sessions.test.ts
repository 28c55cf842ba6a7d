import {
  pbkdf2Hasher,
  RateLimit,
  RateLimiter,
  S3AuthService,
  type S3AuthServiceOptions,
  STRONG_PASSWORD_POLICY,
  User,
} from '@s3verless/auth'
import { createDatabase, createSettings, defineModel, memoryStore } from '@s3verless/core'
import { describe, expect, it } from 'vitest'
import * as z from 'zod'
import { S3verless } from '../src/index.js'
import { browser, json, Note, PASSWORD, Product, SECRET_KEY } from './fixtures.js'

/** A model with a field only the server may see. */
const Voucher = defineModel(z.object({ label: z.string(), code: z.string() }), { name: 'Voucher', hidden: ['code'] })

const MINUTE = 60_000

/** An app whose auth service and rate limiter run on a clock the test moves. */
function clockedApp(options: { auth?: Partial<S3AuthServiceOptions>; limits?: Record<string, RateLimit> } = {}) {
  let at = Date.UTC(2026, 0, 1, 12)
  const clock = {
    now: () => new Date(at),
    advance(ms: number) {
      at += ms
    },
  }
  const settings = createSettings({ secretKey: SECRET_KEY })
  const database = createDatabase({ store: memoryStore(), models: [Product, Note, Voucher, User] })
  const auth = new S3AuthService({ database, settings, hasher: pbkdf2Hasher({ iterations: 1000 }), now: clock.now, ...options.auth })
  const rateLimiter = new RateLimiter({ now: () => at, ...(options.limits ? { limits: options.limits } : {}) })
  const app = new S3verless({
    settings,
    database,
    models: [Product, Note, Voucher],
    auth: auth as never,
    rateLimiter,
    clientAddress: () => '192.0.2.1',
  }).createApp()
  const loginAs = async (username: string, password = PASSWORD) => {
    const res = await app.request('/auth/login', json('POST', { username, password }))
    expect(res.status).toBe(200)
    return (await res.json()) as { accessToken: string; refreshToken: string; sessionId: string }
  }
  const me = (accessToken: string) => app.request('/auth/me', { headers: { authorization: `Bearer ${accessToken}` } })
  const refresh = (refreshToken: string) => app.request('/auth/refresh', json('POST', { refreshToken }))
  const user = (username: string, extra: Record<string, unknown> = {}) =>
    auth.createUser({ username, email: `${username}@example.com`, password: PASSWORD, ...extra } as never)
  return { app, auth, clock, rateLimiter, database, loginAs, me, refresh, user }
}

describe('logout ends the session: every token of it, with the refresh token alone if need be (issue 19 §3)', () => {
  it('an access token issued earlier in the session stops working at once; another session is untouched', async () => {
    const t = clockedApp()
    await t.user('alice')
    const first = await t.loginAs('alice')
    const other = await t.loginAs('alice')
    const second = (await (await t.refresh(first.refreshToken)).json()) as { accessToken: string }
    expect((await t.me(first.accessToken)).status).toBe(200)
    const out = await t.app.request('/auth/logout', { method: 'POST', headers: { authorization: `Bearer ${second.accessToken}` } })
    expect(out.status).toBe(204)
    const earlier = await t.me(first.accessToken)
    expect(earlier.status).toBe(401)
    expect(await earlier.json()).toMatchObject({ code: 'auth.revokedToken' })
    expect((await t.refresh(first.refreshToken)).status).toBe(401)
    expect((await t.me(other.accessToken)).status).toBe(200)
  })

  it('a client whose access token expired logs out with its refresh token (with or without the stale bearer)', async () => {
    const t = clockedApp()
    await t.user('alice')
    const pair = await t.loginAs('alice')
    const phone = await t.loginAs('alice')
    t.clock.advance(31 * MINUTE) // past the 30-minute access token
    expect(await (await t.me(pair.accessToken)).json()).toMatchObject({ code: 'auth.expiredToken' })
    const out = await t.app.request(
      '/auth/logout',
      json('POST', { refreshToken: pair.refreshToken }, { authorization: `Bearer ${pair.accessToken}` }),
    )
    expect(out.status).toBe(204)
    expect(await (await t.refresh(pair.refreshToken)).json()).toMatchObject({ code: 'auth.revokedToken' })
    // the body alone is enough
    expect((await t.app.request('/auth/logout', json('POST', { refreshToken: phone.refreshToken }))).status).toBe(204)
    expect((await t.refresh(phone.refreshToken)).status).toBe(401)
    expect(await t.auth.listSessions((await t.auth.getUserByUsername('alice'))!.id)).toEqual([])
  })

  it('an unknown or malformed refresh token logs nothing out and is not an error (revokeRefreshToken answers false)', async () => {
    const t = clockedApp()
    await t.user('alice')
    const pair = await t.loginAs('alice')
    expect(await t.auth.revokeRefreshToken('not-a-token')).toBe(false)
    expect(await t.auth.revokeRefreshToken('A'.repeat(43))).toBe(false)
    for (const refreshToken of ['not-a-token', 'A'.repeat(43)]) {
      expect((await t.app.request('/auth/logout', json('POST', { refreshToken }))).status).toBe(204)
    }
    expect((await t.me(pair.accessToken)).status).toBe(200)
    const nothing = await t.app.request('/auth/logout', { method: 'POST' })
    expect(nothing.status).toBe(401)
    expect(await nothing.json()).toMatchObject({ code: 'http.unauthorized', detail: expect.stringMatching(/refreshToken/) })
  })
})

describe('refresh reuse interval (issue 19 §3)', () => {
  it('the rotated token, presented again a moment later, answers the same pair; after the interval it is reuse and ends the session', async () => {
    const t = clockedApp()
    await t.user('alice')
    const pair = await t.loginAs('alice')
    const first = await t.refresh(pair.refreshToken)
    t.clock.advance(3000) // a second tab, three seconds later
    const second = await t.refresh(pair.refreshToken)
    expect(first.status).toBe(200)
    expect(second.status).toBe(200)
    const next = (await first.json()) as { accessToken: string; refreshToken: string }
    expect(await second.json()).toEqual(next)
    expect((await t.me(next.accessToken)).status).toBe(200)
    t.clock.advance(10_000) // past the 10-second interval
    const reuse = await t.refresh(pair.refreshToken)
    expect(reuse.status).toBe(401)
    expect(await reuse.json()).toMatchObject({ code: 'auth.revokedToken', detail: expect.stringMatching(/already used/) })
    expect((await t.refresh(next.refreshToken)).status).toBe(401)
    expect((await t.me(next.accessToken)).status).toBe(401)
  })

  it('two concurrent refreshes of one token both succeed with the same pair', async () => {
    const t = clockedApp()
    await t.user('alice')
    const pair = await t.loginAs('alice')
    const [a, b] = await Promise.all([t.refresh(pair.refreshToken), t.refresh(pair.refreshToken)])
    expect([a.status, b.status]).toEqual([200, 200])
    const tokens = await a.json()
    expect(await b.json()).toEqual(tokens)
  })
})

describe('admin sign-out after being idle (issue 19 §3)', () => {
  it('ends the session and mints no refresh token on the way out', async () => {
    const t = clockedApp()
    const root = await t.user('root', { isAdmin: true })
    const b = browser(t.app)
    expect((await b.post('/admin/login', { username: 'root', password: PASSWORD }, '/admin/login')).status).toBe(303)
    const csrf = await b.csrf('/admin/products') // the sign-out form of a page left open
    const refreshCookie = b.jar.get('s3v_admin_refresh')
    t.clock.advance(31 * MINUTE)
    b.jar.delete('s3v_admin') // the browser dropped the access cookie when its max-age ran out
    const out = await b.request('/admin/logout', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrf }),
    })
    expect(out.status).toBe(303)
    expect(out.headers.get('location')).toBe('/admin/login')
    const minted = out.headers.getSetCookie().filter((line) => /^s3v_admin(_refresh)?=[^;]+/.test(line))
    expect(minted).toEqual([])
    expect(await t.auth.listSessions(root.id)).toEqual([])
    // the old refresh cookie, replayed, does not sign in again
    const replay = await t.app.request('/admin/products', { headers: { cookie: `s3v_admin_refresh=${refreshCookie}` } })
    expect(replay.status).toBe(303)
  })
})

describe('usernames are normalised; the display form is kept (issue 19 §3)', () => {
  it('look-alikes of a taken name are refused; invisible characters and mixed scripts are refused with 422 naming username', async () => {
    const t = clockedApp({ limits: { register: new RateLimit(100, 3600), login: new RateLimit(100, 60) } })
    let n = 0
    const register = (username: string) =>
      t.app.request('/auth/register', json('POST', { username, email: `user${n++}@example.com`, password: PASSWORD }))
    const made = await register('Admin')
    expect(made.status).toBe(201)
    expect(await made.json()).toMatchObject({ username: 'Admin' })
    for (const lookalike of ['admin', 'ADMIN', 'ａｄｍｉｎ']) {
      const res = await register(lookalike)
      expect(res.status, lookalike).toBe(409)
      expect(await res.json()).toMatchObject({ code: 'auth.userExists' })
    }
    for (const bad of ['аdmin' /* Cyrillic а */, 'ad\u200bmin', 'admin\u3164', 'ad\u00admin']) {
      const res = await register(bad)
      expect(res.status, JSON.stringify(bad)).toBe(422)
      const problem = (await res.json()) as { errors: { path: string[]; message: string }[] }
      expect(problem.errors[0]?.path).toEqual(['username'])
    }
    const tokens = await t.loginAs('ADMIN')
    expect(await (await t.me(tokens.accessToken)).json()).toMatchObject({ username: 'Admin' })
    const body = await (await t.me(tokens.accessToken)).json()
    expect(body).not.toHaveProperty('normalizedUsername')
  })
})

describe('hidden fields are never filterable, orderable or searchable (issue 19 §3)', () => {
  it('the admin users table refuses a filter or order on hashedPassword: the prefix oracle is closed', async () => {
    const t = clockedApp()
    await t.user('root', { isAdmin: true })
    await t.user('victim')
    const b = browser(t.app)
    await b.post('/admin/login', { username: 'root', password: PASSWORD }, '/admin/login')
    const ok = await b.request('/admin/users?field=username&op=eq&value=victim')
    expect(ok.status).toBe(200)
    expect(await ok.text()).toContain('victim')
    for (const value of ['$', 'zzz']) {
      const probe = await b.request(`/admin/users?field=hashedPassword&op=startswith&value=${encodeURIComponent(value)}`)
      expect(probe.status).toBe(422)
      const html = await probe.text()
      expect(html).toContain('User.hashedPassword is hidden')
      expect(html).not.toContain('victim')
    }
    expect((await b.request('/admin/users?orderBy=hashedPassword')).status).toBe(422)
    expect((await b.request('/admin/users?field=tokenVersion&op=eq&value=0')).status).toBe(422)
  })

  it('the REST list and search refuse a hidden field with 422 naming it, and never answer its values', async () => {
    const t = clockedApp()
    const vouchers = t.database.repository(Voucher)
    const v = await vouchers.create({ label: 'spring', code: 'SECRET-50' })
    for (const query of ['code=SECRET-50', 'code__startswith=S', 'code__startswith=X', 'orderBy=-code', 'sort_by=code']) {
      const res = await t.app.request(`/vouchers?${query}`)
      expect(res.status, query).toBe(422)
      expect(await res.json()).toMatchObject({ code: 'http.validation', detail: expect.stringContaining('Voucher.code is hidden') })
    }
    for (const search of [{ filter: { code__startswith: 'S' } }, { exclude: { code: 'x' } }, { orderBy: 'code' }]) {
      const res = await t.app.request('/vouchers/search', json('POST', search))
      expect(res.status, JSON.stringify(search)).toBe(422)
    }
    const list = (await (await t.app.request('/vouchers')).json()) as { items: Record<string, unknown>[] }
    expect(list.items).toEqual([expect.objectContaining({ id: v.id, label: 'spring' })])
    expect(list.items[0]).not.toHaveProperty('code')
    expect(await (await t.app.request(`/vouchers/${v.id}`)).json()).not.toHaveProperty('code')
    const doc = (await (await t.app.request('/openapi.json')).json()) as { components: { schemas: Record<string, { properties: object }> } }
    expect(doc.components.schemas.Voucher?.properties).not.toHaveProperty('code')
  })
})

describe("the original's stricter defaults (issue 19 §3)", () => {
  it('login: 5 a minute, then blocked for 5 minutes; resetAll() lifts it', async () => {
    const t = clockedApp()
    const attempt = () => t.app.request('/auth/login', json('POST', { username: 'nobody', password: 'wrong-pass-1' }))
    for (let i = 0; i < 5; i++) expect((await attempt()).status).toBe(401)
    const limited = await attempt()
    expect(limited.status).toBe(429)
    expect(limited.headers.get('retry-after')).toBe('300')
    t.clock.advance(2 * MINUTE)
    expect((await attempt()).status).toBe(429) // still blocked: a new window does not lift the block
    t.clock.advance(3 * MINUTE + 1000)
    expect((await attempt()).status).toBe(401)
    for (let i = 0; i < 5; i++) await attempt()
    expect((await attempt()).status).toBe(429)
    await t.rateLimiter.resetAll()
    expect((await attempt()).status).toBe(401)
  })

  it('register: 3 an hour; refresh: 10 a minute', async () => {
    const t = clockedApp()
    const register = (i: number) =>
      t.app.request('/auth/register', json('POST', { username: `u${i}`, email: `u${i}@example.com`, password: PASSWORD }))
    for (let i = 0; i < 3; i++) expect((await register(i)).status).toBe(201)
    expect((await register(3)).status).toBe(429)
    const pair = await t.loginAs('u0')
    let token = pair.refreshToken
    for (let i = 0; i < 10; i++) {
      const res = await t.refresh(token)
      expect(res.status).toBe(200)
      token = ((await res.json()) as { refreshToken: string }).refreshToken
    }
    expect((await t.refresh(token)).status).toBe(429)
  })

  it("the original's password policy is one named preset", async () => {
    const t = clockedApp({ auth: { passwordPolicy: STRONG_PASSWORD_POLICY } })
    const weak = await t.app.request('/auth/register', json('POST', { username: 'dana', email: 'dana@example.com', password: PASSWORD }))
    expect(weak.status).toBe(422)
    expect(await weak.json()).toMatchObject({ code: 'auth.weakPassword', detail: expect.stringMatching(/uppercase/) })
    const strong = await t.app.request(
      '/auth/register',
      json('POST', { username: 'dana', email: 'dana@example.com', password: 'Correct-horse-7' }),
    )
    expect(strong.status).toBe(201)
  })
})

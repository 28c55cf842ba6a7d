import { describe, expect, it } from 'vitest'
import { json, login, makeApp, PASSWORD } from './fixtures.js'

describe('auth routes', () => {
  it('register, login (JSON and OAuth2 form), me, refresh, logout', async () => {
    const ctx = await makeApp()
    const reg = await ctx.app.request(
      '/auth/register',
      json('POST', { username: 'carol', email: 'carol@example.com', password: PASSWORD, isAdmin: true }),
    )
    expect(reg.status).toBe(201)
    const user = (await reg.json()) as Record<string, unknown>
    expect(user).toMatchObject({ username: 'carol', isAdmin: false })
    expect(user).not.toHaveProperty('hashedPassword')
    expect(reg.headers.get('ratelimit-limit')).toBeTruthy()
    const form = await ctx.app.request('/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'password', username: 'carol', password: PASSWORD }),
    })
    expect(form.status).toBe(200)
    expect(await form.json()).toMatchObject({ token_type: 'bearer', access_token: expect.any(String) })
    const res = await ctx.app.request('/auth/login', json('POST', { username: 'carol', password: PASSWORD }))
    const tokens = (await res.json()) as { accessToken: string; refreshToken: string }
    const me = await ctx.app.request('/auth/me', { headers: { authorization: `Bearer ${tokens.accessToken}` } })
    expect(await me.json()).toMatchObject({ username: 'carol' })
    const refreshed = await ctx.app.request('/auth/refresh', json('POST', { refreshToken: tokens.refreshToken }))
    expect(refreshed.status).toBe(200)
    // presented again within the reuse interval (a second tab): the same pair (auth-sessions.test.ts covers reuse after it)
    const repeated = await ctx.app.request('/auth/refresh', json('POST', { refreshToken: tokens.refreshToken }))
    const { accessToken } = (await refreshed.json()) as { accessToken: string }
    expect(await repeated.json()).toMatchObject({ accessToken })
    expect((await ctx.app.request('/auth/logout', { method: 'POST', headers: { authorization: `Bearer ${accessToken}` } })).status).toBe(
      204,
    )
    const after = await ctx.app.request('/auth/me', { headers: { authorization: `Bearer ${accessToken}` } })
    expect(after.status).toBe(401)
    expect(after.headers.get('www-authenticate')).toBe(
      'Bearer realm="api", error="invalid_token", error_description="Access token was revoked"',
    )
  })

  it('wrong password 401, duplicate user 409, weak password 422, anonymous me 401, logout-all', async () => {
    const ctx = await makeApp()
    const alice = await login(ctx, 'alice')
    expect((await ctx.app.request('/auth/login', json('POST', { username: 'alice', password: 'wrong-pass-1' }))).status).toBe(401)
    expect(
      (await ctx.app.request('/auth/register', json('POST', { username: 'alice', email: 'x@example.com', password: PASSWORD }))).status,
    ).toBe(409)
    expect(
      (await ctx.app.request('/auth/register', json('POST', { username: 'dave', email: 'd@example.com', password: 'short' }))).status,
    ).toBe(422)
    expect((await ctx.app.request('/auth/register', json('POST', { username: 'dave' }))).status).toBe(422)
    expect((await ctx.app.request('/auth/me')).status).toBe(401)
    expect((await ctx.app.request('/auth/me', { headers: { authorization: 'Bearer nonsense' } })).status).toBe(401)
    expect((await ctx.app.request('/auth/logout-all', { method: 'POST', headers: { authorization: alice.authorization } })).status).toBe(
      204,
    )
    expect((await ctx.app.request('/auth/me', { headers: { authorization: alice.authorization } })).status).toBe(401)
  })

  it('rate limits login with 429, Retry-After and RateLimit headers', async () => {
    const ctx = await makeApp()
    let last: Response | undefined
    for (let i = 0; i < 12; i++) last = await ctx.app.request('/auth/login', json('POST', { username: 'nobody', password: 'whatever-1' }))
    expect(last?.status).toBe(429)
    expect(last?.headers.get('retry-after')).toMatch(/^\d+$/)
    expect(await last?.json()).toMatchObject({ code: 'auth.rateLimited' })
  })

  it('setup makes the first admin once, with the one-time token only', async () => {
    const ctx = await makeApp()
    const body = { setupToken: 'wrong', username: 'root', email: 'root@example.com', password: PASSWORD }
    expect((await ctx.app.request('/auth/setup', json('POST', body))).status).toBe(403)
    const ok = await ctx.app.request('/auth/setup', json('POST', { ...body, setupToken: 'setup-token-123' }))
    expect(ok.status).toBe(201)
    expect(await ok.json()).toMatchObject({ username: 'root', isAdmin: true })
    const again = await ctx.app.request(
      '/auth/setup',
      json('POST', { ...body, username: 'root2', email: 'r2@example.com', setupToken: 'setup-token-123' }),
    )
    expect(again.status).toBe(409)
    const none = await makeApp({ setupToken: undefined })
    expect((await none.app.request('/auth/setup', json('POST', { ...body, setupToken: '' }))).status).toBe(422)
  })
})

describe('owner scoping', () => {
  it('sets the owner from the token, hides others’ records on reads and writes, admins see all', async () => {
    const ctx = await makeApp()
    const alice = await login(ctx, 'alice')
    const bob = await login(ctx, 'bob')
    const admin = await login(ctx, 'root', { admin: true })
    const as = (who: { authorization: string }, init: RequestInit = {}) => ({
      ...init,
      headers: { ...(init.headers as Record<string, string>), authorization: who.authorization },
    })
    expect((await ctx.app.request('/notes', json('POST', { title: 'x' }))).status).toBe(401)
    const created = await ctx.app.request('/notes', as(alice, json('POST', { title: 'mine', ownerId: bob.id })))
    expect(created.status).toBe(201)
    const note = (await created.json()) as { id: string; ownerId: string }
    expect(note.ownerId).toBe(alice.id)
    await ctx.app.request('/notes', as(bob, json('POST', { title: 'bobs' })))

    const bobList = (await (await ctx.app.request('/notes', as(bob))).json()) as { items: { title: string }[] }
    expect(bobList.items.map((n) => n.title)).toEqual(['bobs'])
    const bobSearch = (await (await ctx.app.request('/notes/search', as(bob, json('POST', { filter: { ownerId: alice.id } })))).json()) as {
      items: unknown[]
    }
    expect(bobSearch.items).toEqual([])
    expect((await ctx.app.request(`/notes/${note.id}`, as(bob))).status).toBe(404)
    expect((await ctx.app.request(`/notes/${note.id}`, as(bob, json('PATCH', { title: 'hacked' })))).status).toBe(404)
    expect((await ctx.app.request(`/notes/${note.id}`, as(bob, json('PUT', { title: 'hacked' })))).status).toBe(404)
    expect((await ctx.app.request(`/notes/${note.id}`, as(bob, { method: 'DELETE' }))).status).toBe(404)
    expect((await ctx.app.request('/notes/bulk/delete', as(bob, json('POST', { ids: [note.id] })))).status).toBe(404)
    expect(await ctx.notes.get(note.id)).toMatchObject({ title: 'mine', ownerId: alice.id })

    const moved = await ctx.app.request(`/notes/${note.id}`, as(alice, json('PATCH', { title: 'still mine', ownerId: bob.id })))
    expect(await moved.json()).toMatchObject({ title: 'still mine', ownerId: alice.id })
    const replaced = await ctx.app.request(`/notes/${note.id}`, as(alice, json('PUT', { title: 'replaced', ownerId: bob.id })))
    expect(await replaced.json()).toMatchObject({ title: 'replaced', ownerId: alice.id })
    const bulk = await ctx.app.request('/notes/bulk', as(alice, json('POST', { items: [{ title: 'b1', ownerId: bob.id }] })))
    expect(((await bulk.json()) as { items: { ownerId: string }[] }).items[0]?.ownerId).toBe(alice.id)

    const all = (await (await ctx.app.request('/notes?limit=100', as(admin))).json()) as { items: unknown[] }
    expect(all.items).toHaveLength(3)
    expect((await ctx.app.request(`/notes/${note.id}`, as(admin))).status).toBe(200)
  })
})

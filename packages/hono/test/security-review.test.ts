import { describe, expect, it } from 'vitest'
import { browser, login, makeApp, PASSWORD } from './fixtures.js'

describe('security review', () => {
  it('admin CSRF: a token/cookie pair minted for an anonymous visitor is refused with an admin session (bound to the session)', async () => {
    const ctx = await makeApp()
    await login(ctx, 'root', { admin: true })
    const attacker = browser(ctx.app)
    const token = await attacker.csrf('/admin/login')
    const nonce = attacker.jar.get('s3v_csrf') as string
    expect(token).not.toBe('')
    const admin = browser(ctx.app)
    expect((await admin.post('/admin/login', { username: 'root', password: PASSWORD }, '/admin/login')).status).toBe(303)
    // The attacker plants their nonce cookie (e.g. from a sibling domain) and posts their token.
    const session = [...admin.jar].filter(([k]) => k !== 's3v_csrf').map(([k, v]) => `${k}=${v}`)
    const forged = await ctx.app.request('/admin/products/new', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: [...session, `s3v_csrf=${nonce}`].join('; ') },
      body: new URLSearchParams({ _csrf: token, name: 'x', sku: 'y', price: '1', category: 'home' }),
    })
    expect(forged.status).toBe(403)
    expect(await ctx.products.count()).toBe(0)
    // A token of another admin session is refused too; the session's own token works.
    const other = browser(ctx.app)
    await other.post('/admin/login', { username: 'root', password: PASSWORD }, '/admin/login')
    const otherToken = await other.csrf('/admin/products/new')
    const crossSession = await ctx.app.request('/admin/products/new', {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        cookie: [...session, `s3v_csrf=${other.jar.get('s3v_csrf')}`].join('; '),
      },
      body: new URLSearchParams({ _csrf: otherToken, name: 'x', sku: 'y', price: '1', category: 'home' }),
    })
    expect(crossSession.status).toBe(403)
    const own = await admin.post('/admin/products/new', { name: 'x', sku: 'y', price: '1', category: 'home' }, '/admin/products/new')
    expect(own.status).toBe(303)
    expect(await ctx.products.count()).toBe(1)
  })

  it('admin login is rate limited like POST /auth/login (no brute force through the admin form)', async () => {
    const ctx = await makeApp()
    await login(ctx, 'root', { admin: true })
    const b = browser(ctx.app)
    const statuses: number[] = []
    for (let i = 0; i < 30; i++)
      statuses.push((await b.post('/admin/login', { username: 'root', password: `wrong-${i}` }, '/admin/login')).status)
    expect(statuses).toContain(429)
    expect(statuses.filter((s) => s !== 401 && s !== 429)).toEqual([])
  })

  it('a malformed multipart body is a 400, not a 500 (POST /auth/login and admin forms)', async () => {
    const ctx = await makeApp()
    const garbage = { method: 'POST', headers: { 'content-type': 'multipart/form-data; boundary=x' }, body: 'garbage' }
    const api = await ctx.app.request('/auth/login', garbage)
    expect(api.status).toBe(400)
    expect(await api.text()).not.toMatch(/stack|at \w+ \(/)
    const admin = await ctx.app.request('/admin/login', garbage)
    expect(admin.status).toBe(400)
  })
})

import { describe, expect, it } from 'vitest'
import { browser, login, makeApp, PASSWORD } from './fixtures.js'

describe('admin UI (in-process)', () => {
  it('needs an admin session in HttpOnly SameSite cookies; refuses forms without the CSRF token', async () => {
    const ctx = await makeApp()
    await login(ctx, 'root', { admin: true })
    await login(ctx, 'alice')
    const b = browser(ctx.app)
    const anon = await b.request('/admin/products')
    expect(anon.status).toBe(303)
    expect(anon.headers.get('location')).toBe('/admin/login')
    expect((await b.post('/admin/login', { username: 'alice', password: PASSWORD }, '/admin/login')).status).toBe(401)
    const res = await b.post('/admin/login', { username: 'root', password: PASSWORD }, '/admin/login')
    expect(res.status).toBe(303)
    const cookies = res.headers.getSetCookie().join('\n')
    expect(cookies).toMatch(/s3v_admin=[^;]+;.*HttpOnly/)
    expect(cookies).toMatch(/SameSite=Strict/)
    const list = await b.request('/admin/products')
    expect(list.status).toBe(200)
    expect(list.headers.get('content-security-policy')).toContain("default-src 'none'")
    const forged = await b.request('/admin/products/new', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'name=x&sku=y&price=1&category=home',
    })
    expect(forged.status).toBe(403)
    expect(await ctx.products.count()).toBe(0)
  })

  it('creates, shows validation errors beside fields, escapes stored values, deletes', async () => {
    const ctx = await makeApp()
    await login(ctx, 'root', { admin: true })
    const b = browser(ctx.app)
    await b.post('/admin/login', { username: 'root', password: PASSWORD }, '/admin/login')
    const bad = await b.post('/admin/products/new', { name: 'X', sku: 'X', price: '-5', category: 'home' }, '/admin/products/new')
    expect(bad.status).toBe(422)
    expect(await bad.text()).toMatch(/class="error"/)
    const xss = '<img src=x onerror=alert(1)>'
    const created = await b.post(
      '/admin/products/new',
      { name: xss, sku: 'X-1', price: '5', category: 'toys', inStock: 'true', tags: '["a"]' },
      '/admin/products/new',
    )
    expect(created.status).toBe(303)
    const [record] = (await ctx.products.listByPrefix()).items
    expect(record).toMatchObject({ name: xss, price: 5, inStock: true, tags: ['a'] })
    const page = await (await b.request('/admin/products')).text()
    expect(page).not.toContain(xss)
    expect(page).toContain('&lt;img src=x onerror=alert(1)&gt;')
    const del = await b.post(`/admin/products/${record?.id}/delete`, {}, `/admin/products/${record?.id}/delete`)
    expect(del.status).toBe(303)
    expect(await ctx.products.count()).toBe(0)
  })

  it('makes the first admin through the setup page with the one-time token', async () => {
    const ctx = await makeApp()
    const b = browser(ctx.app)
    const res = await b.post(
      '/admin/setup',
      { setupToken: 'setup-token-123', username: 'boss', email: 'boss@example.com', password: PASSWORD },
      '/admin/setup',
    )
    expect(res.status).toBe(303)
    expect(await ctx.auth.getUserByUsername('boss')).toMatchObject({ isAdmin: true })
    expect((await b.request('/admin/setup')).status).toBe(303)
  })
})

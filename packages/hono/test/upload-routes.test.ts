import { describe, expect, it } from 'vitest'
import { json, login, makeApp } from './fixtures.js'

const uploads = { allowedContentTypes: ['image/png', 'text/plain'], maxFileSize: 1024 }

describe('upload routes', () => {
  it('stores a plain authenticated PUT with type and size checks, and serves it back to its owner only', async () => {
    const ctx = await makeApp({ uploads })
    const alice = await login(ctx, 'alice')
    const bob = await login(ctx, 'bob')
    const put = (who: { authorization: string } | undefined, name: string, body: string, type: string) =>
      ctx.app.request(`/uploads/files/${encodeURIComponent(name)}`, {
        method: 'PUT',
        headers: {
          'content-type': type,
          'content-length': String(body.length),
          ...(who ? { authorization: who.authorization } : {}),
        },
        body,
      })
    expect((await put(undefined, 'a.txt', 'hi', 'text/plain')).status).toBe(401)
    expect((await put(alice, 'a.exe', 'MZ', 'application/x-msdownload')).status).toBe(422)
    expect((await put(alice, 'big.txt', 'x'.repeat(2000), 'text/plain')).status).toBe(422)
    const res = await put(alice, 'hello <b>.txt', 'hello', 'text/plain')
    expect(res.status).toBe(201)
    const file = (await res.json()) as { id: string; size: number; uploadedBy: string; contentType: string }
    expect(file).toMatchObject({ size: 5, uploadedBy: alice.id, contentType: 'text/plain' })
    const get = await ctx.app.request(`/uploads/${file.id}`, { headers: { authorization: alice.authorization } })
    expect(get.status).toBe(200)
    const download = await ctx.app.request(`/uploads/${file.id}/download`, { headers: { authorization: alice.authorization } })
    expect(download.status).toBe(200)
    expect(await download.text()).toBe('hello')
    expect(download.headers.get('content-disposition')).toMatch(/^attachment/)
    expect(download.headers.get('x-content-type-options')).toBe('nosniff')
    expect((await ctx.app.request(`/uploads/${file.id}`, { headers: { authorization: bob.authorization } })).status).toBe(404)
    expect((await ctx.app.request(`/uploads/${file.id}/download`, { headers: { authorization: bob.authorization } })).status).toBe(404)
    expect((await ctx.app.request(`/uploads/${file.id}`, { method: 'DELETE', headers: { authorization: bob.authorization } })).status).toBe(
      404,
    )
    expect(
      (await ctx.app.request(`/uploads/${file.id}`, { method: 'DELETE', headers: { authorization: alice.authorization } })).status,
    ).toBe(204)
    expect((await ctx.app.request(`/uploads/${file.id}`, { headers: { authorization: alice.authorization } })).status).toBe(404)
  })

  it('presign answers 501 on a store that cannot presign; confirm of nothing is 404 or 400', async () => {
    const ctx = await makeApp({ uploads })
    const alice = await login(ctx, 'alice')
    const presign = await ctx.app.request(
      '/uploads/presign',
      json('POST', { filename: 'a.png', size: 10 }, { authorization: alice.authorization }),
    )
    expect(presign.status).toBe(501)
    expect(((await presign.json()) as { code: string }).code).toBe('storage.presignUnsupported')
    const confirm = await ctx.app.request(
      '/uploads/confirm',
      json('POST', { key: 's3verless-data/products/x.json' }, { authorization: alice.authorization }),
    )
    expect(confirm.status).toBe(400)
    expect((await ctx.app.request('/uploads/presign', json('POST', {}, { authorization: alice.authorization }))).status).toBe(422)
  })

  it('is off unless configured', async () => {
    const ctx = await makeApp()
    expect((await ctx.app.request('/uploads/presign', { method: 'POST' })).status).toBe(404)
  })
})

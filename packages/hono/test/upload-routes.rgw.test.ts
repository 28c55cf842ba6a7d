import { pbkdf2Hasher, RateLimiter, S3AuthService, User } from '@s3verless/auth'
import { createDatabase, createSettings } from '@s3verless/core'
import { createTestBucket, S3_SKIP_REASON, s3TestServer } from '@s3verless/testing'
import { describe, expect, it } from 'vitest'
import { S3verless } from '../src/index.js'
import { json, Note, PASSWORD, SECRET_KEY } from './fixtures.js'

const server = s3TestServer()
if (!server) console.warn(`\n!!! SKIPPED: the HTTP upload routes against a real S3 server: ${S3_SKIP_REASON}\n`)

async function rgwApp() {
  const { manager, store, bucket } = await createTestBucket(server!)
  const settings = createSettings({ secretKey: SECRET_KEY })
  const database = createDatabase({ store, models: [Note, User] })
  const auth = new S3AuthService({ database, settings, hasher: pbkdf2Hasher({ iterations: 1000 }) })
  const app = new S3verless({
    settings,
    title: 'Uploads on RGW',
    database,
    store: manager,
    models: [Note],
    auth: auth as never,
    rateLimiter: new RateLimiter(),
    clientAddress: () => '192.0.2.1',
    uploads: { allowedContentTypes: ['image/png', 'text/plain'], maxFileSize: 1024 },
  }).createApp()
  const login = async (username: string) => {
    const user = await auth.createUser({ username, email: `${username}@example.com`, password: PASSWORD } as never)
    const res = await app.request('/auth/login', json('POST', { username, password: PASSWORD }))
    return { authorization: `Bearer ${((await res.json()) as { accessToken: string }).accessToken}`, id: user.id }
  }
  return { app, login, bucket }
}

/** Presigns an upload of `body` as text through the app. */
async function presign(app: Awaited<ReturnType<typeof rgwApp>>['app'], who: { authorization: string }, body: string) {
  const res = await app.request(
    '/uploads/presign',
    json('POST', { filename: 'page.txt', contentType: 'text/plain', size: body.length }, { authorization: who.authorization }),
  )
  expect(res.status).toBe(200)
  return (await res.json()) as { url: string; key: string; method: string; headers: Record<string, string> }
}

describe.skipIf(!server)(`upload routes on a real S3 server (${server?.endpoint ?? 'none'})`, () => {
  it('presign → PUT with plain fetch → confirm → download redirect serves the bytes; the signature binds type and size; others get 404', async () => {
    const { app, login } = await rgwApp()
    const alice = await login('alice')
    const bob = await login('bob')
    const body = 'hello from alice'
    const presign = await app.request(
      '/uploads/presign',
      json('POST', { filename: 'greeting.txt', contentType: 'text/plain', size: body.length }, { authorization: alice.authorization }),
    )
    expect(presign.status).toBe(200)
    const upload = (await presign.json()) as { url: string; key: string; method: string; headers: Record<string, string> }
    // The server refuses a body of another type or size than the one signed.
    const wrongType = await fetch(upload.url, { method: 'PUT', headers: { ...upload.headers, 'content-type': 'image/png' }, body })
    expect(wrongType.status).toBe(403)
    const put = await fetch(upload.url, { method: upload.method, headers: upload.headers, body })
    expect(put.status).toBe(200)
    const confirm = await app.request('/uploads/confirm', json('POST', { key: upload.key }, { authorization: alice.authorization }))
    expect(confirm.status).toBe(201)
    const file = (await confirm.json()) as { id: string; size: number; uploadedBy: string }
    expect(confirm.headers.get('location')).toBe(`/uploads/${file.id}`)
    expect(file).toMatchObject({ size: body.length, uploadedBy: alice.id })
    // Bob can neither confirm alice's upload nor see or download her file.
    expect((await app.request('/uploads/confirm', json('POST', { key: upload.key }, { authorization: bob.authorization }))).status).toBe(
      403,
    )
    expect((await app.request(`/uploads/${file.id}/download`, { headers: { authorization: bob.authorization } })).status).toBe(404)
    const download = await app.request(`/uploads/${file.id}/download`, { headers: { authorization: alice.authorization } })
    expect(download.status).toBe(302)
    const fetched = await fetch(download.headers.get('location') as string)
    expect(fetched.status).toBe(200)
    expect(await fetched.text()).toBe(body)
    expect(fetched.headers.get('content-disposition')).toMatch(/greeting\.txt/)
    expect((await app.request(`/uploads/${file.id}`, { method: 'DELETE', headers: { authorization: alice.authorization } })).status).toBe(
      204,
    )
    // The old download link now finds the deleted-upload marker, not the file.
    expect(await (await fetch(download.headers.get('location') as string)).text()).not.toBe(body)
  })

  it('every upload URL pins a private ACL: asking for public-read breaks the signature, and anonymous GETs are denied', async () => {
    const { app, login, bucket } = await rgwApp()
    const alice = await login('alice')
    const body = '<svg onload="alert(1)"/>'
    const upload = await presign(app, alice, body)
    expect(upload.headers['x-amz-acl']).toBe('private')
    const publicRead = await fetch(upload.url, { method: 'PUT', headers: { ...upload.headers, 'x-amz-acl': 'public-read' }, body })
    expect(publicRead.status).toBe(403)
    const withoutAcl = { ...upload.headers }
    delete withoutAcl['x-amz-acl']
    expect(
      (
        await fetch(upload.url, {
          method: 'PUT',
          headers: { ...withoutAcl, 'x-amz-grant-read': 'uri="http://acs.amazonaws.com/groups/global/AllUsers"' },
          body,
        })
      ).status,
    ).toBe(403)
    expect((await fetch(upload.url, { method: 'PUT', headers: upload.headers, body })).status).toBe(200)
    const anonymous = await fetch(`${server!.endpoint}/${bucket}/${upload.key}`)
    expect(anonymous.status).toBe(403)
    expect(await anonymous.text()).not.toContain('onload')
  })

  it('a deleted upload stays deleted: the replayed URL is refused (412) and confirming its key again is 410', async () => {
    const { app, login } = await rgwApp()
    const alice = await login('alice')
    const body = 'first version'
    const upload = await presign(app, alice, body)
    expect((await fetch(upload.url, { method: 'PUT', headers: upload.headers, body })).status).toBe(200)
    const confirm = () => app.request('/uploads/confirm', json('POST', { key: upload.key }, { authorization: alice.authorization }))
    const confirmed = await confirm()
    expect(confirmed.status).toBe(201)
    const { id } = (await confirmed.json()) as { id: string }
    expect((await app.request(`/uploads/${id}`, { method: 'DELETE', headers: { authorization: alice.authorization } })).status).toBe(204)
    const replay = await fetch(upload.url, { method: 'PUT', headers: upload.headers, body })
    expect(replay.status).toBe(412)
    const again = await confirm()
    expect(again.status).toBe(410)
    expect(((await again.json()) as { code: string }).code).toBe('storage.deleted')
    expect((await app.request(`/uploads/${id}`, { headers: { authorization: alice.authorization } })).status).toBe(404)
  })
})

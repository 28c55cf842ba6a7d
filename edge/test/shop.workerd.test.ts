import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createTestBucket, S3_SKIP_REASON, s3TestServer } from '@s3verless/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureNode } from '../../scripts/node-tools.mjs'
import { buildPackagesIfStale } from './build-once.js'
import { type RunningWorker, startWorkerd } from './workerd.js'

const server = s3TestServer()
if (!server) console.warn(`\n!!! SKIPPED: the shop worker in workerd: ${S3_SKIP_REASON}\n`)

const shopDir = fileURLToPath(new URL('../../examples/shop/', import.meta.url))
const wrangler = fileURLToPath(new URL('../node_modules/wrangler/bin/wrangler.js', import.meta.url))
const PASSWORD = 'correct-horse-battery-7'

/** Bundles the shop exactly as its README section tells a Workers user: `wrangler deploy` (here with --dry-run). */
function wranglerBundle(): string {
  buildPackagesIfStale(['core', 'query', 'auth', 'storage', 'hono'], '@s3verless/example-shop^...')
  const out = mkdtempSync(join(tmpdir(), 's3verless-wrangler-'))
  try {
    execFileSync(ensureNode(22), [wrangler, 'deploy', '--dry-run', '--outdir', out], {
      cwd: shopDir,
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: 'true', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    return readFileSync(join(out, 'worker.js'), 'utf8')
  } finally {
    rmSync(out, { recursive: true, force: true })
  }
}

describe.skipIf(!server)('the shop worker, bundled by wrangler, served by workerd, on the real S3 server', () => {
  let worker: RunningWorker
  let size = 0
  const call = async (path: string, init: RequestInit & { token?: string; json?: unknown } = {}) => {
    const headers = new Headers(init.headers)
    if (init.token) headers.set('authorization', `Bearer ${init.token}`)
    // What Cloudflare's edge adds to every request (the worker trusts it: TRUST_CF_CONNECTING_IP).
    if (!headers.has('cf-connecting-ip')) headers.set('cf-connecting-ip', '203.0.113.7')
    if (init.json !== undefined) headers.set('content-type', 'application/json')
    const res = await fetch(`${worker.url}${path}`, {
      ...init,
      headers,
      redirect: 'manual',
      ...(init.json !== undefined ? { body: JSON.stringify(init.json) } : {}),
    })
    return res
  }
  const body = async <T>(res: Response): Promise<T> => (await res.json()) as T
  const login = async (username: string) => {
    const res = await call('/auth/login', { method: 'POST', json: { username, password: PASSWORD } })
    expect(res.status).toBe(200)
    return (await body<{ accessToken: string }>(res)).accessToken
  }

  beforeAll(async () => {
    if (!server) return
    const code = wranglerBundle()
    size = code.length
    const { bucket } = await createTestBucket(server)
    worker = await startWorkerd(code, {
      AWS_BUCKET_NAME: bucket,
      AWS_ENDPOINT_URL: server.endpoint,
      AWS_ACCESS_KEY_ID: server.accessKeyId,
      AWS_SECRET_ACCESS_KEY: server.secretAccessKey,
      S3_PROVIDER: server.provider,
      SECRET_KEY: 'shop-worker-test-secret-of-32-characters!',
      SETUP_TOKEN: 'one-time-setup-token',
      TRUST_CF_CONNECTING_IP: 'true',
    })
  }, 240_000)

  afterAll(async () => worker?.stop())

  // Raised on purpose from 450 KiB for POST /transactions in the OpenAPI document and the check of
  // plurals against the app's routes (about 2.4 KB together, the schema kept small): 459,588 -> 462,001.
  it('is a minified wrangler bundle under the 452 KiB budget, without Node built-ins or bcrypt', () => {
    expect(size).toBeGreaterThan(10_000)
    expect(size).toBeLessThan(452 * 1024)
  })

  it('runs the whole flow: setup, register, login, CRUD with ETags, owner-scoped reviews, a presigned upload', async () => {
    expect((await call('/health')).status).toBe(200)
    const setup = await call('/auth/setup', {
      method: 'POST',
      json: { setupToken: 'one-time-setup-token', username: 'boss', email: 'boss@example.com', password: PASSWORD },
    })
    expect(setup.status).toBe(201)
    for (const username of ['ann', 'bob']) {
      const res = await call('/auth/register', { method: 'POST', json: { username, email: `${username}@example.com`, password: PASSWORD } })
      expect(res.status).toBe(201)
    }
    const [boss, ann, bob] = [await login('boss'), await login('ann'), await login('bob')]
    expect((await call('/auth/login', { method: 'POST', json: { username: 'ann', password: 'wrong-password-1' } })).status).toBe(401)
    expect(await body<{ username: string }>(await call('/auth/me', { token: ann }))).toMatchObject({ username: 'ann' })

    // products are public to read, admin to write: signed out 401, a customer 403
    const lampInput = { name: 'Lamp', sku: 'L-1', price: 30, category: 'home' }
    expect((await call('/products', { method: 'POST', json: lampInput })).status).toBe(401)
    const refused = await call('/products', { method: 'POST', token: ann, json: lampInput })
    expect(refused.status).toBe(403)
    expect(await body<{ code: string }>(refused)).toMatchObject({ code: 'http.forbidden', model: 'Product' })

    // products: create, unique SKU, read with ETag / 304, PATCH with If-Match (RGW's unquoted If-Match), filter, delete
    const created = await call('/products', {
      method: 'POST',
      token: boss,
      json: lampInput,
    })
    expect(created.status).toBe(201)
    const lamp = await body<{ id: string; price: number }>(created)
    expect(created.headers.get('location')).toBe(`/products/${lamp.id}`)
    const taken = await call('/products', { method: 'POST', token: boss, json: { name: 'Other', sku: 'L-1', price: 1, category: 'toys' } })
    expect(taken.status).toBe(409)
    expect(taken.headers.get('content-type')).toBe('application/problem+json')
    expect(await body<{ code: string }>(taken)).toMatchObject({ code: 'model.unique' })
    await call('/products', { method: 'POST', token: boss, json: { name: 'Rake', sku: 'R-1', price: 12, category: 'garden' } })
    const read = await call(`/products/${lamp.id}`)
    const etag = read.headers.get('etag') as string
    expect(etag).toBeTruthy()
    expect((await call(`/products/${lamp.id}`, { headers: { 'if-none-match': etag } })).status).toBe(304)
    const patched = await call(`/products/${lamp.id}`, { method: 'PATCH', token: boss, json: { price: 25 }, headers: { 'if-match': etag } })
    expect(patched.status).toBe(200)
    expect(await body<{ price: number }>(patched)).toMatchObject({ price: 25 })
    const stale = await call(`/products/${lamp.id}`, { method: 'PATCH', token: boss, json: { price: 1 }, headers: { 'if-match': etag } })
    expect(stale.status).toBe(412)
    const list = await body<{ items: { sku: string }[] }>(await call('/products?category=home&price__lt=50&orderBy=-price'))
    expect(list.items.map((p) => p.sku)).toEqual(['L-1'])
    expect((await call('/products?nope=1')).status).toBe(400)

    // reviews are owner-scoped: each user sees and changes only their own
    const review = await call('/reviews', { method: 'POST', token: ann, json: { productId: lamp.id, rating: 5, text: 'bright' } })
    expect(review.status).toBe(201)
    const annReview = await body<{ id: string; authorId: string }>(review)
    expect((await call('/reviews')).status).toBe(401)
    expect((await call(`/reviews/${annReview.id}`, { token: bob })).status).toBe(404)
    expect((await call(`/reviews/${annReview.id}`, { method: 'PATCH', token: bob, json: { rating: 1 } })).status).toBe(404)
    expect((await body<{ items: unknown[] }>(await call('/reviews', { token: bob }))).items).toEqual([])
    expect((await body<{ items: { id: string }[] }>(await call('/reviews', { token: ann }))).items.map((r) => r.id)).toEqual([annReview.id])

    // a presigned upload: presign in the worker, PUT straight to S3, confirm, download through a presigned GET
    const bytes = 'a photo, as text'
    const presign = await call('/uploads/presign', {
      method: 'POST',
      token: ann,
      json: { filename: 'lamp.txt', contentType: 'text/plain', size: bytes.length },
    })
    expect(presign.status).toBe(200)
    const upload = await body<{ url: string; key: string; method: string; headers: Record<string, string> }>(presign)
    expect(
      (await fetch(upload.url, { method: 'PUT', headers: { ...upload.headers, 'content-type': 'image/png' }, body: bytes })).status,
    ).toBe(403)
    expect((await fetch(upload.url, { method: upload.method, headers: upload.headers, body: bytes })).status).toBe(200)
    const confirm = await call('/uploads/confirm', { method: 'POST', token: ann, json: { key: upload.key } })
    expect(confirm.status).toBe(201)
    const file = await body<{ id: string; size: number }>(confirm)
    expect(file.size).toBe(bytes.length)
    expect((await call(`/uploads/${file.id}/download`, { token: bob })).status).toBe(404)
    const download = await call(`/uploads/${file.id}/download`, { token: ann })
    expect(download.status).toBe(302)
    expect(await (await fetch(download.headers.get('location') as string)).text()).toBe(bytes)

    // a customer cannot delete the product (nor, by cascade, the review); the admin can, and the review goes with it
    expect((await call(`/products/${lamp.id}`, { method: 'DELETE', token: bob })).status).toBe(403)
    expect((await call(`/products/${lamp.id}`, { method: 'DELETE' })).status).toBe(401)
    expect((await call(`/products/${lamp.id}`, { method: 'DELETE', token: boss })).status).toBe(204)
    expect((await call(`/products/${lamp.id}`)).status).toBe(404)
    expect((await call(`/reviews/${annReview.id}`, { token: ann })).status).toBe(404)
    expect((await call('/openapi.json')).status).toBe(200)
  })
})

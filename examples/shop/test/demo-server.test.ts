import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

// Issue 19 over real HTTP on the real demo server: `npm start`'s entry (examples/shop/src/main.ts) run
// as its own Node process on the file-system store, driven with fetch. The in-process tests check
// every item in detail; this checks that the server a newcomer starts behaves the same.

const shopDir = fileURLToPath(new URL('..', import.meta.url))
let server: ChildProcess | undefined
let base = ''
let setupToken = ''
let dataDir = ''
/** Tokens the first test made (login is limited to 5 a minute per address, so the second reuses them). */
const kept: { boss?: string; ann?: { accessToken: string; refreshToken: string } } = {}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 's3verless-demo-'))
  server = spawn(process.execPath, ['--import', 'tsx', '--conditions=@s3verless/source', 'src/main.ts'], {
    cwd: shopDir,
    // Sample data off: this suite counts what it creates (examples/shop/test/sample-data.test.ts covers it).
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      AWS_BUCKET_NAME: '',
      SECRET_KEY: '',
      S3VERLESS_SAMPLE_DATA: '0',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the demo server did not start:\n${out}`)), 60_000)
    const read = (chunk: Buffer) => {
      out += chunk.toString()
      const api = /API\s+\S*\s*(http:\/\/127\.0\.0\.1:\d+)\//.exec(out) // (the label is bold: an escape code follows it)
      const token = /setup token (\S+)/.exec(out)
      if (api && token) {
        base = api[1] as string
        setupToken = token[1] as string
        clearTimeout(timer)
        resolve()
      }
    }
    server?.stdout?.on('data', read)
    server?.stderr?.on('data', read)
    server?.on('exit', (code) => reject(new Error(`the demo server exited (${code}):\n${out}`)))
  })
}, 90_000)

afterAll(() => {
  server?.kill('SIGTERM')
  rmSync(dataDir, { recursive: true, force: true })
})

const call = (path: string, init: { method?: string; body?: unknown; token?: string; headers?: Record<string, string> } = {}) =>
  fetch(`${base}${path}`, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: {
      ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      ...init.headers,
    },
    ...(init.body !== undefined ? { body: typeof init.body === 'string' ? init.body : JSON.stringify(init.body) } : {}),
  })

/** POSTs a body of `bytes` and returns the status and content type the server answered with (it may stop reading early). */
function postLarge(path: string, bytes: number): Promise<{ status: number; type: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${base}${path}`,
      { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': bytes } },
      (res) => {
        resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']) })
        res.resume()
      },
    )
    req.on('error', () => undefined) // the server answered and closed while the body was still going: expected
    setTimeout(() => reject(new Error('no answer to a large body')), 30_000)
    req.end(Buffer.alloc(bytes, 0x20))
  })
}

const PASSWORD = 'correct-horse-7'
async function login(username: string) {
  const res = await call('/auth/login', { body: { username, password: PASSWORD } })
  expect(res.status, `login ${username}`).toBe(200)
  return (await res.json()) as { accessToken: string; refreshToken: string }
}

describe('the real demo server (npm start)', () => {
  it('access rules, limits, HTTP details and sessions hold over real HTTP', async () => {
    expect(
      (await call('/auth/setup', { body: { setupToken, username: 'boss', email: 'boss@example.com', password: PASSWORD } })).status,
    ).toBe(201)
    for (const name of ['ann', 'ben']) {
      const res = await call('/auth/register', { body: { username: name, email: `${name}@example.com`, password: PASSWORD } })
      expect(res.status, `register ${name}`).toBe(201)
      expect(res.headers.get('location'), 'Location on 201').toBeTruthy()
    }
    const boss = (await login('boss')).accessToken
    kept.ann = await login('ann')
    const ann = kept.ann.accessToken
    const ben = (await login('ben')).accessToken
    kept.boss = boss
    const lamp = { name: 'Lamp', sku: 'L-1', price: 30, category: 'home' }

    // §1 access rules: products public to read, admin to write; reviews owner-scoped.
    expect((await call('/products', { body: lamp })).status).toBe(401)
    expect((await call('/products', { body: lamp, token: ann })).status).toBe(403)
    const created = await call('/products', { body: lamp, token: boss })
    expect(created.status).toBe(201)
    expect(created.headers.get('location')).toMatch(/\/products\/[0-9a-f-]{36}$/)
    const { id: productId } = (await created.json()) as { id: string }
    expect((await call(`/products/${productId}`)).status).toBe(200)
    const review = await call('/reviews', { body: { productId, rating: 5, text: 'bright' }, token: ann })
    expect(review.status).toBe(201)
    const { id: reviewId } = (await review.json()) as { id: string }
    expect((await call('/reviews')).status).toBe(401)
    expect(((await (await call('/reviews', { token: ben })).json()) as { items: unknown[] }).items).toEqual([])
    expect((await call(`/reviews/${reviewId}`, { token: ben })).status).toBe(404)

    // §2 limits: a body past 1 MiB is 413 before it is read; a long id__in list is 422 naming it.
    const big = await postLarge('/auth/login', 2 * 2 ** 20)
    expect(big.status).toBe(413)
    expect(big.type).toContain('application/problem+json')
    const ids = Array.from({ length: 200 }, (_, i) => `00000000-0000-7000-8000-${String(i).padStart(12, '0')}`).join(',')
    const long = await call(`/products?id__in=${ids}`)
    expect(long.status).toBe(422)
    expect(await long.text()).toContain('id__in')

    // §4 HTTP details.
    expect((await call('/products?sort_order=sideways')).status).toBe(422)
    const wrong = await call('/products', { method: 'DELETE' })
    expect(wrong.status).toBe(405)
    expect(wrong.headers.get('allow')).toContain('GET')
    expect((await call('/products', { method: 'OPTIONS' })).headers.get('allow')).toContain('POST')
    expect((await call('/products/')).status).toBe(200)
    expect((await call('/reviews')).headers.get('www-authenticate')).toMatch(/^Bearer/)
    expect(
      (await call('/products', { headers: { origin: 'https://elsewhere.example' } })).headers.get('access-control-allow-origin'),
    ).toBeNull()
    expect((await (await call('/admin/login')).text()).trimStart().slice(0, 15).toLowerCase()).toBe('<!doctype html>')

    // §3 sessions: logout with the refresh token alone ends the session for its access tokens too.
    const session = await login('ben')
    expect((await call('/auth/me', { token: session.accessToken })).status).toBe(200)
    expect((await call('/auth/logout', { body: { refreshToken: session.refreshToken } })).status).toBe(204)
    expect((await call('/auth/me', { token: session.accessToken })).status).toBe(401)
    // Look-alike usernames are refused.
    const lookalike = await call('/auth/register', { body: { username: 'ANN', email: 'ann2@example.com', password: PASSWORD } })
    expect([409, 422]).toContain(lookalike.status)
  }, 120_000)

  it('conditional requests, cursors, bulk delete, refresh reuse and login limits hold over real HTTP', async () => {
    const boss = kept.boss as string
    const made = []
    for (let i = 0; i < 4; i++) {
      const res = await call('/products', { body: { name: `Desk ${i}`, sku: `D-${i}`, price: 10 + i, category: 'books' }, token: boss })
      made.push({ ...((await res.json()) as { id: string }), etag: res.headers.get('etag') as string })
    }
    const [a, b] = made as [{ id: string; etag: string }, { id: string; etag: string }]
    // If-Match: strong tags, lists; W/ never matches; If-None-Match: * on PUT creates only.
    expect(
      (await call(`/products/${a.id}`, { method: 'PATCH', body: { price: 1 }, token: boss, headers: { 'if-match': `W/${a.etag}` } }))
        .status,
    ).toBe(412)
    const listed = await call(`/products/${a.id}`, {
      method: 'PATCH',
      body: { price: 2 },
      token: boss,
      headers: { 'if-match': `"stale", ${a.etag}` },
    })
    expect(listed.status).toBe(200)
    const fresh = '018f0000-0000-7000-8000-0000000000aa'
    const put = { name: 'Shelf', sku: 'S-1', price: 5, category: 'home' }
    expect((await call(`/products/${fresh}`, { method: 'PUT', body: put, token: boss, headers: { 'if-none-match': '*' } })).status).toBe(
      201,
    )
    const again = await call(`/products/${fresh}`, { method: 'PUT', body: put, token: boss, headers: { 'if-none-match': '*' } })
    expect(again.status).toBe(412)
    expect(((await again.json()) as { title: string }).title).toBe('Precondition Failed')
    // Cursors are opaque and sealed.
    const page = (await (await call('/products?category=books&orderBy=price&limit=2')).json()) as { nextCursor: string }
    expect(
      atob(
        page.nextCursor
          .replace(/-/g, '+')
          .replace(/_/g, '/')
          .padEnd(Math.ceil(page.nextCursor.length / 4) * 4, '='),
      ),
    ).not.toMatch(/products/)
    const flipped = page.nextCursor.slice(0, 10) + (page.nextCursor[10] === 'A' ? 'B' : 'A') + page.nextCursor.slice(11)
    expect((await call(`/products?category=books&orderBy=price&limit=2&cursor=${flipped}`)).status).toBe(422)
    // Bulk delete counts a record once whatever the case of its id.
    const bulk = await call('/products/bulk/delete', { body: { ids: [b.id.toUpperCase(), b.id] }, token: boss })
    expect(await bulk.json()).toEqual({ deleted: 1 })
    // A refresh presented twice within the reuse interval answers the same pair; an unknown token logs nothing out.
    const pair = kept.ann as { refreshToken: string }
    const first = (await (await call('/auth/refresh', { body: { refreshToken: pair.refreshToken } })).json()) as { refreshToken: string }
    const second = (await (await call('/auth/refresh', { body: { refreshToken: pair.refreshToken } })).json()) as { refreshToken: string }
    expect(second.refreshToken).toBe(first.refreshToken)
    expect((await call('/auth/logout', { body: { refreshToken: 'not-a-token' } })).status).toBe(204)
    // Login is limited to 5 a minute per client address (the socket's, here; the logins above count):
    // bad logins are 401 until the limit, then 429 before the password is checked.
    const statuses: number[] = []
    while (statuses.length < 6 && statuses.at(-1) !== 429) {
      statuses.push((await call('/auth/login', { body: { username: 'ben', password: 'wrong-password-1' } })).status)
    }
    expect(statuses.at(-1)).toBe(429)
    expect(statuses.slice(0, -1).every((s) => s === 401)).toBe(true)
  }, 120_000)
})

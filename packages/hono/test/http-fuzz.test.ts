// Property-based HTTP fuzz: thousands of generated requests over every route of a demo-like app
// (public products, owner-scoped notes, auth, uploads, admin, docs), with four oracles on every answer:
// 1. no 5xx, except the documented 501 of presigning on a store that cannot sign;
// 2. every API error is problem+json with a code;
// 3. the canary (another user's note and upload) is never revealed nor changed;
// 4. a refused request (4xx) leaves the store exactly as it was (every key and etag).
// The body-size and list-operand limits are part of it: oversized bodies and long `__in` lists are
// generated too, and must be refused (413, 422) without touching the store.
import type { ObjectStore } from '@s3verless/core'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { login, makeApp, PASSWORD } from './fixtures.js'

const MAX_BODY = 4096
const MAX_LIST = 20
const RUNS = 100
const REQUESTS_PER_RUN = 52
const CANARY_TITLE = 'CANARY-7f3a-title'
const CANARY_BODY = 'CANARY-7f3a-body'
const CANARY_FILE = 'CANARY-7f3a-file-bytes'
const CANARY_NAME = 'canary-7f3a.txt'

type Who = 'anonymous' | 'alice' | 'bob' | 'garbage' | 'tampered'

/** One generated request: what it targets and how, before ids and tokens are filled in. */
interface Gen {
  who: Who
  method: string
  /** Path with placeholders: `{note}`, `{canaryNote}`, `{product}`, `{file}`, `{canaryFile}`, `{random}`. */
  path: string
  query?: Record<string, string>
  body?: { kind: 'json'; value: unknown } | { kind: 'form'; value: Record<string, string> } | { kind: 'raw'; type: string; text: string }
  /** What the request is for an oracle: an oversized body, or a list operand over the cap. */
  tag?: 'oversized' | 'longList'
  headers?: Record<string, string>
}

const word = fc.oneof(
  fc.constantFrom('', 'a', 'Lamp', 'home', 'garden', 'toys', 'x'.repeat(300), '%', ',', '..', '<b>', 'null', 'true', '0', '-1', '1e309'),
  fc.string({ maxLength: 12 }),
)
const scalar = fc.oneof(
  word,
  fc.integer({ min: -1000, max: 1000 }),
  fc.double({ noNaN: false }),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom('2024-01-01', '2024-13-45', '2024-01-01T00:00:00Z', 'yesterday'),
)
const jsonValue = fc.oneof(scalar, fc.array(scalar, { maxLength: 4 }), fc.dictionary(word, scalar, { maxKeys: 3 }))
const field = fc.constantFrom(
  'name',
  'sku',
  'price',
  'category',
  'inStock',
  'releasedAt',
  'tags',
  'id',
  'createdAt',
  'updatedAt',
  'title',
  'body',
  'ownerId',
  'nope',
  'meta__x',
)
const op = fc.constantFrom(
  '',
  '__eq',
  '__ne',
  '__gt',
  '__gte',
  '__lt',
  '__lte',
  '__in',
  '__nin',
  '__not_in',
  '__contains',
  '__icontains',
  '__startswith',
  '__endswith',
  '__isnull',
  '__bogus',
)
const filterKey = fc.tuple(field, op).map(([f, o]) => `${f}${o}`)
const filterObject = fc.dictionary(filterKey, jsonValue, { maxKeys: 4 })
const queryString = fc.dictionary(
  fc.oneof(filterKey, fc.constantFrom('orderBy', 'sort_by', 'sort_order', 'limit', 'cursor', 'page', 'pageSize')),
  fc.oneof(
    word,
    fc.integer({ min: -5, max: 500 }).map(String),
    fc.array(word, { maxLength: 4 }).map((l) => l.join(',')),
  ),
  { maxKeys: 4 },
)
const who = fc.constantFrom<Who>('anonymous', 'anonymous', 'alice', 'alice', 'alice', 'bob', 'bob', 'bob', 'garbage', 'tampered')
const collection = fc.constantFrom('products', 'notes')
const idRef = fc.constantFrom('{note}', '{canaryNote}', '{product}', '{random}', 'not-a-uuid', '..', '%00')
const productInput = fc.record(
  { name: word, sku: word, price: scalar, category: fc.oneof(fc.constantFrom('home', 'garden', 'toys'), word), tags: jsonValue },
  { requiredKeys: [] },
)
const noteInput = fc.record({ title: word, body: word, ownerId: fc.constantFrom('{canaryOwner}', 'x'), id: idRef }, { requiredKeys: [] })
const anyInput = fc.oneof(productInput, noteInput, jsonValue)

const crud: fc.Arbitrary<Gen> = fc.oneof(
  fc.record({ who, method: fc.constant('GET'), path: collection.map((c) => `/${c}`), query: queryString }),
  fc.record({ who, method: fc.constant('GET'), path: fc.tuple(collection, idRef).map(([c, id]) => `/${c}/${id}`) }),
  fc.record({
    who,
    method: fc.constant('POST'),
    path: collection.map((c) => `/${c}`),
    body: anyInput.map((value) => ({ kind: 'json' as const, value })),
  }),
  fc.record({
    who,
    method: fc.constantFrom('PATCH', 'PUT', 'DELETE'),
    path: fc.tuple(collection, idRef).map(([c, id]) => `/${c}/${id}`),
    body: anyInput.map((value) => ({ kind: 'json' as const, value })),
    headers: fc.constantFrom<Record<string, string>>({}, { 'if-match': '"nope"' }, { 'if-match': '*' }),
  }),
  fc.record({
    who,
    method: fc.constant('POST'),
    path: collection.map((c) => `/${c}/search`),
    body: fc
      .record(
        { filter: filterObject, exclude: filterObject, orderBy: fc.oneof(field, word), limit: scalar, cursor: word, page: scalar },
        { requiredKeys: [] },
      )
      .map((value) => ({ kind: 'json' as const, value })),
  }),
  fc.record({
    who,
    method: fc.constant('POST'),
    path: collection.map((c) => `/${c}/bulk`),
    body: fc
      .oneof(fc.record({ items: fc.array(anyInput, { maxLength: 4 }) }), jsonValue)
      .map((value) => ({ kind: 'json' as const, value })),
  }),
  fc.record({
    who,
    method: fc.constant('POST'),
    path: collection.map((c) => `/${c}/bulk/delete`),
    body: fc.oneof(fc.record({ ids: fc.array(idRef, { maxLength: 4 }) }), jsonValue).map((value) => ({ kind: 'json' as const, value })),
  }),
)

const auth: fc.Arbitrary<Gen> = fc.oneof(
  fc.record({
    who,
    method: fc.constant('POST'),
    path: fc.constantFrom('/auth/login', '/auth/register', '/auth/setup', '/auth/refresh'),
    body: fc.oneof(
      fc
        .record(
          {
            username: fc.oneof(word, fc.constantFrom('alice', 'carol')),
            password: fc.oneof(word, fc.constant(PASSWORD)),
            email: word,
            refreshToken: word,
            setupToken: word,
          },
          { requiredKeys: [] },
        )
        .map((value) => ({ kind: 'json' as const, value })),
      fc.record({ username: word, password: word }).map((value) => ({ kind: 'form' as const, value })),
      fc
        .record({ type: fc.constantFrom('text/plain', 'multipart/form-data; boundary=x', 'application/json'), text: word })
        .map((r) => ({ kind: 'raw' as const, ...r })),
    ),
  }),
  fc.record({ who, method: fc.constantFrom('GET', 'POST'), path: fc.constant('/auth/me') }),
)

/** Ends a session: rare, or the rest of a run would be anonymous. */
const logout: fc.Arbitrary<Gen> = fc.record({ who, method: fc.constant('POST'), path: fc.constantFrom('/auth/logout', '/auth/logout-all') })

const uploads: fc.Arbitrary<Gen> = fc.oneof(
  fc.record({
    who,
    method: fc.constant('PUT'),
    path: fc
      .oneof(word, fc.constantFrom('a.txt', 'b.png', '../x.txt', 'canary.txt'))
      .map((n) => `/uploads/files/${encodeURIComponent(n || 'f')}`),
    body: fc
      .record({
        type: fc.constantFrom('text/plain', 'image/png', 'text/html', 'application/x-s3verless-deleted-upload', ''),
        text: fc.oneof(word, fc.constant('y'.repeat(3000))),
      })
      .map((r) => ({ kind: 'raw' as const, ...r })),
  }),
  fc.record({
    who,
    method: fc.constant('POST'),
    path: fc.constantFrom('/uploads/presign', '/uploads/confirm'),
    body: fc
      .record(
        {
          filename: word,
          size: scalar,
          contentType: word,
          key: fc.oneof(word, fc.constantFrom('{canaryKey}', 'uploads/2026/01/01/x.txt')),
        },
        { requiredKeys: [] },
      )
      .map((value) => ({ kind: 'json' as const, value })),
  }),
  fc.record({
    who,
    method: fc.constantFrom('GET', 'DELETE'),
    path: fc
      .tuple(fc.constantFrom('{file}', '{canaryFile}', '{random}', 'x'), fc.constantFrom('', '/download'))
      .map(([id, tail]) => `/uploads/${id}${tail}`),
  }),
)

const other: fc.Arbitrary<Gen> = fc.record({
  who,
  method: fc.constantFrom('GET', 'POST', 'DELETE', 'OPTIONS'),
  path: fc.constantFrom(
    '/',
    '/health',
    '/openapi.json',
    '/docs',
    '/admin',
    '/admin/login',
    '/admin/notes',
    '/admin/notes/{canaryNote}',
    '/admin/notes/{canaryNote}/delete',
    '/nope',
    '/products/',
    '/auth',
  ),
})

/** Bodies over the limit (always refused) and list operands over the cap (422 before any read). */
const limits: fc.Arbitrary<Gen> = fc.oneof(
  fc.record({
    who,
    method: fc.constant('POST'),
    path: fc.constantFrom('/products', '/notes', '/auth/login', '/auth/register', '/products/search', '/products/bulk', '/uploads/presign'),
    body: fc
      .integer({ min: MAX_BODY + 1, max: 4 * MAX_BODY })
      .map((n) => ({ kind: 'json' as const, value: { name: 'n'.repeat(n), username: 'alice', password: 'x' } })),
    tag: fc.constant('oversized' as const),
  }),
  fc.record({
    who,
    method: fc.constant('GET'),
    path: fc.constant('/products'),
    query: fc
      .tuple(fc.constantFrom('id__in', 'category__in', 'price__nin'), fc.integer({ min: MAX_LIST + 1, max: 300 }))
      .map(([k, n]) => ({ [k]: Array.from({ length: n }, (_, i) => String(i)).join(',') })),
    tag: fc.constant('longList' as const),
  }),
  fc.record({
    who,
    method: fc.constant('POST'),
    path: fc.constant('/products/search'),
    body: fc
      .integer({ min: MAX_LIST + 1, max: 300 })
      .map((n) => ({ kind: 'json' as const, value: { filter: { id__in: Array.from({ length: n }, (_, i) => `i${i}`) } } })),
    tag: fc.constant('longList' as const),
  }),
)

const request: fc.Arbitrary<Gen> = fc.oneof(
  { arbitrary: crud, weight: 30 },
  { arbitrary: auth, weight: 8 },
  { arbitrary: logout, weight: 1 },
  { arbitrary: uploads, weight: 10 },
  { arbitrary: other, weight: 5 },
  { arbitrary: limits, weight: 5 },
) as fc.Arbitrary<Gen>

async function snapshot(store: ObjectStore): Promise<string> {
  const entries: string[] = []
  let cursor: string | undefined
  do {
    const page = await store.list('', cursor ? { cursor } : {})
    for (const object of page.objects) entries.push(`${object.key}=${object.etag}`)
    cursor = page.cursor
  } while (cursor)
  return entries.join('\n')
}

/** A demo-like app with alice, bob and carol (the canary's owner), a product, and a note and upload of each. */
async function world() {
  const ctx = await makeApp({
    maxBodySize: MAX_BODY,
    maxListValues: MAX_LIST,
    uploads: { allowedContentTypes: ['text/plain', 'image/png'], maxFileSize: 2048 },
  })
  const [alice, bob, carol] = [await login(ctx, 'alice'), await login(ctx, 'bob'), await login(ctx, 'carol')]
  const product = await ctx.products.create({ name: 'Lamp', sku: 'L-1', price: 3, category: 'home' })
  const note = await ctx.notes.create({ title: 'alice note', ownerId: alice.id } as never)
  const canaryNote = await ctx.notes.create({ title: CANARY_TITLE, body: CANARY_BODY, ownerId: carol.id } as never)
  const put = async (who: { authorization: string }, name: string, text: string) => {
    const res = await ctx.app.request(`/uploads/files/${name}`, {
      method: 'PUT',
      headers: { authorization: who.authorization, 'content-type': 'text/plain', 'content-length': String(text.length) },
      body: text,
    })
    return (await res.json()) as { id: string; s3Key: string }
  }
  const file = await put(alice, 'alice.txt', 'alice file')
  const canaryFile = await put(carol, CANARY_NAME, CANARY_FILE)
  const tokens: Record<Who, string | undefined> = {
    anonymous: undefined,
    alice: alice.authorization,
    bob: bob.authorization,
    garbage: 'Bearer not.a.token',
    tampered: `${alice.authorization.slice(0, -3)}AAA`,
  }
  const fill = (text: string) =>
    text
      .replaceAll('{note}', note.id)
      .replaceAll('{canaryNote}', canaryNote.id)
      .replaceAll('{canaryOwner}', carol.id)
      .replaceAll('{product}', product.id)
      .replaceAll('{file}', file.id)
      .replaceAll('{canaryFile}', canaryFile.id)
      .replaceAll('{canaryKey}', canaryFile.s3Key)
      .replaceAll('{random}', '0193a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b')
  const canaryState = async () =>
    JSON.stringify([
      await ctx.notes.get(canaryNote.id),
      (await ctx.store.get(canaryFile.s3Key))?.etag,
      await ctx.store.get(`s3verless-data/uploads/${canaryFile.id}.json`).then((o) => o?.etag),
    ])
  return { ctx, tokens, fill, canaryState, canaryBefore: await canaryState() }
}

const stats = { requests: 0, byStatus: new Map<number, number>(), refused: 0 }

describe('HTTP fuzz (fast-check)', () => {
  it(`${RUNS * REQUESTS_PER_RUN} generated requests over every route: no 5xx, problem+json errors, the canary kept, refusals write nothing`, async () => {
    const started = Date.now()
    await fc.assert(
      fc.asyncProperty(fc.array(request, { minLength: REQUESTS_PER_RUN, maxLength: REQUESTS_PER_RUN }), async (gens) => {
        const { ctx, tokens, fill, canaryState, canaryBefore } = await world()
        for (const gen of gens) {
          const headers = new Headers(gen.headers ?? {})
          const token = tokens[gen.who]
          if (token) headers.set('authorization', token)
          let body: string | URLSearchParams | undefined
          if (gen.body?.kind === 'json') {
            headers.set('content-type', 'application/json')
            body = fill(JSON.stringify(gen.body.value))
          } else if (gen.body?.kind === 'form') {
            body = new URLSearchParams(Object.fromEntries(Object.entries(gen.body.value).map(([k, v]) => [k, fill(v)])))
          } else if (gen.body?.kind === 'raw') {
            if (gen.body.type) headers.set('content-type', gen.body.type)
            headers.set('content-length', String(new TextEncoder().encode(gen.body.text).length))
            body = gen.body.text
          }
          const query = gen.query
            ? `?${new URLSearchParams(Object.fromEntries(Object.entries(gen.query).map(([k, v]) => [k, fill(v)])))}`
            : ''
          const before = await snapshot(ctx.store)
          const res = await ctx.app.request(`${fill(gen.path)}${query}`, {
            method: gen.method,
            headers,
            ...(body === undefined || gen.method === 'GET' ? {} : { body }),
          })
          const text = await res.text()
          const label = `${gen.who} ${gen.method} ${fill(gen.path)}${query.slice(0, 80)} → ${res.status} ${text.slice(0, 200)}`
          stats.requests++
          stats.byStatus.set(res.status, (stats.byStatus.get(res.status) ?? 0) + 1)
          // 1. No server fault, except the documented 501 (presigning needs S3).
          if (res.status >= 500) {
            expect(res.status, label).toBe(501)
            expect(text, label).toContain('storage.presignUnsupported')
          }
          // 2. Every error of the API is problem+json with a code (admin pages answer HTML).
          if (res.status >= 400 && !fill(gen.path).startsWith('/admin')) {
            expect(res.headers.get('content-type'), label).toMatch(/^application\/problem\+json/)
            expect(typeof (JSON.parse(text) as { code?: unknown }).code, label).toBe('string')
          }
          // 3. The canary is never revealed (nor changed: checked below).
          for (const secret of [CANARY_TITLE, CANARY_BODY, CANARY_FILE, CANARY_NAME]) expect(text, label).not.toContain(secret)
          // 4. A refused request changes nothing in the store.
          if (res.status >= 400) {
            stats.refused++
            expect(await snapshot(ctx.store), label).toBe(before)
          }
          // The limits, under the same fuzz.
          // (A bad or revoked token is refused first, 401, whatever the body, and a caller over a rate
          // limit, 429, before its body is read; any other caller meets the limits.)
          const signedInOrNot = res.status !== 401 && res.status !== 429
          if (gen.tag === 'oversized') expect(res.status, label).toBeGreaterThanOrEqual(400)
          const readsBody = ['/products', '/auth/login', '/auth/register', '/products/search', '/products/bulk'].includes(gen.path)
          if (gen.tag === 'oversized' && signedInOrNot && readsBody) expect(res.status, label).toBe(413)
          if (gen.tag === 'longList' && signedInOrNot) {
            expect(res.status, label).toBe(422)
            expect(text, label).toMatch(/at most 20 per list \(maxListValues\)/)
          }
          expect(await canaryState(), label).toBe(canaryBefore)
        }
      }),
      { numRuns: RUNS, endOnFailure: true },
    )
    const seconds = (Date.now() - started) / 1000
    console.log(
      `HTTP fuzz: ${stats.requests} requests (${stats.refused} refused) in ${seconds.toFixed(1)} s; statuses ${JSON.stringify(Object.fromEntries([...stats.byStatus].sort((a, b) => a[0] - b[0])))}`,
    )
    expect(stats.requests).toBeGreaterThanOrEqual(5000)
  }, 180_000)
})

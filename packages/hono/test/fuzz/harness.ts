// The machinery of the property-based HTTP fuzz, shared by its runs (the fixture app on the memory
// store and on Ceph RGW, and the demo shop): generated requests, a world to send them to, and the
// oracles checked on every answer:
// 1. no 5xx, except the documented 501 of presigning on a store that cannot sign;
// 2. every API error is problem+json with a code;
// 3. the canary (another user's records and upload) is never revealed nor changed;
// 4. a write the caller's access rule forbids is refused, and a refused request (4xx) leaves the
//    store exactly as it was: every key, etag, size and modification time, index entries, unique
//    claims and auth tokens included;
// 5. oversized bodies are 413 and list operands over the cap 422 (unless refused earlier, 401/429).
import type { ObjectStore } from '@s3verless/core'
import fc from 'fast-check'
import { expect } from 'vitest'

/** One generated request: what it targets and how, before ids and tokens are filled in by the world. */
export interface Gen {
  who: string
  method: string
  /** Path with `{placeholders}` the world fills in (`{canary…}` ones name the canary's ids). */
  path: string
  query?: Record<string, string>
  body?: { kind: 'json'; value: unknown } | { kind: 'form'; value: Record<string, string> } | { kind: 'raw'; type: string; text: string }
  /** What the request is for an oracle: an oversized body, or a list operand over the cap. */
  tag?: 'oversized' | 'longList'
  headers?: Record<string, string>
}

/** What the generated requests may name: the app's collections, fields, inputs and callers. */
export interface FuzzShape {
  /** Callers; the world maps each to an Authorization header (or none). Repeat one to weight it. */
  who: readonly string[]
  /** Collection paths without the slash (`products`). */
  collections: readonly string[]
  /** Field names used in filters and orders (real ones, server-set ones and unknown ones). */
  fields: readonly string[]
  /** Id placeholders or literals (`{note}`, `{canaryNote}`, `not-a-uuid`…). */
  ids: readonly string[]
  /** Bodies for creates and updates. */
  input: fc.Arbitrary<unknown>
  /** Other paths (admin, docs, health…), `{placeholders}` allowed. */
  otherPaths: readonly string[]
  /** Where oversized bodies are sent, and which of those read their body (so must answer 413). */
  oversizedPaths: readonly string[]
  oversizedReadsBody: readonly string[]
  /** The collection whose list and search get the long `__in` lists. */
  listPath: string
  /** The app's `maxBodySize` and `maxListValues`. */
  maxBody: number
  maxList: number
  /**
   * Requests that must be refused whatever their body (a write the caller's access rule forbids): a
   * 2xx or 3xx answer to one fails the run, since the store oracle sees only refusals.
   */
  mustRefuse?: (gen: Gen) => boolean
  /**
   * Writes the caller's rule refuses before anything is read (signed out, a role the caller lacks):
   * answered 401 or 403 whatever the body (404 or 405 where no route takes the request), so a rule
   * that stopped holding is caught even when the body was invalid anyway.
   */
  gated?: (gen: Gen) => boolean
  /** Usernames tried at login besides random ones, and the password that works. */
  usernames: readonly string[]
  password: string
}

const word = fc.oneof(
  fc.constantFrom('', 'a', 'Lamp', 'home', 'garden', 'toys', 'x'.repeat(300), '%', ',', '..', '<b>', 'null', 'true', '0', '-1', '1e309'),
  fc.string({ maxLength: 12 }),
)
export const scalar = fc.oneof(
  word,
  fc.integer({ min: -1000, max: 1000 }),
  fc.double({ noNaN: false }),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom('2024-01-01', '2024-13-45', '2024-01-01T00:00:00Z', 'yesterday'),
)
export { word }
export const jsonValue = fc.oneof(scalar, fc.array(scalar, { maxLength: 4 }), fc.dictionary(word, scalar, { maxKeys: 3 }))
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

/** An API write: a method that changes something, on a path that is not a search (nor an admin page: they answer redirects). */
export const isWrite = (gen: Gen): boolean =>
  ['POST', 'PUT', 'PATCH', 'DELETE'].includes(gen.method) && !gen.path.endsWith('/search') && !gen.path.startsWith('/admin')

/** Every kind of request the fuzz sends, over the routes a {@link FuzzShape} names. */
export function fuzzRequests(shape: FuzzShape): fc.Arbitrary<Gen> {
  const who = fc.constantFrom(...shape.who)
  const field = fc.constantFrom(...shape.fields)
  const collection = fc.constantFrom(...shape.collections)
  const idRef = fc.constantFrom(...shape.ids)
  const filterKey = fc.tuple(field, op).map(([f, o]) => `${f}${o}`)
  const filterObject = fc.dictionary(filterKey, jsonValue, { maxKeys: 4 })
  const queryString = fc.dictionary(
    fc.oneof(filterKey, fc.constantFrom('orderBy', 'sort_by', 'sort_order', 'limit', 'cursor', 'page', 'pageSize', 'q')),
    fc.oneof(
      word,
      fc.integer({ min: -5, max: 500 }).map(String),
      fc.array(word, { maxLength: 4 }).map((l) => l.join(',')),
    ),
    { maxKeys: 4 },
  )
  const anyInput = fc.oneof(shape.input, jsonValue)
  const json = (value: unknown) => ({ kind: 'json' as const, value })

  const crud: fc.Arbitrary<Gen> = fc.oneof(
    fc.record({ who, method: fc.constant('GET'), path: collection.map((c) => `/${c}`), query: queryString }),
    fc.record({ who, method: fc.constant('GET'), path: fc.tuple(collection, idRef).map(([c, id]) => `/${c}/${id}`) }),
    fc.record({ who, method: fc.constant('POST'), path: collection.map((c) => `/${c}`), body: anyInput.map(json) }),
    fc.record({
      who,
      method: fc.constantFrom('PATCH', 'PUT', 'DELETE'),
      path: fc.tuple(collection, idRef).map(([c, id]) => `/${c}/${id}`),
      body: anyInput.map(json),
      headers: fc.constantFrom<Record<string, string>>({}, { 'if-match': '"nope"' }, { 'if-match': '*' }, { 'if-none-match': '*' }),
    }),
    fc.record({
      who,
      method: fc.constant('POST'),
      path: collection.map((c) => `/${c}/search`),
      body: fc
        .record(
          {
            filter: filterObject,
            exclude: filterObject,
            orderBy: fc.oneof(field, word),
            limit: scalar,
            cursor: word,
            page: scalar,
            q: word,
          },
          { requiredKeys: [] },
        )
        .map(json),
    }),
    fc.record({
      who,
      method: fc.constant('POST'),
      path: collection.map((c) => `/${c}/bulk`),
      body: fc.oneof(fc.record({ items: fc.array(anyInput, { maxLength: 4 }) }), jsonValue).map(json),
    }),
    fc.record({
      who,
      method: fc.constant('POST'),
      path: collection.map((c) => `/${c}/bulk/delete`),
      body: fc.oneof(fc.record({ ids: fc.array(idRef, { maxLength: 4 }) }), jsonValue).map(json),
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
              username: fc.oneof(word, fc.constantFrom(...shape.usernames)),
              password: fc.oneof(word, fc.constant(shape.password)),
              email: word,
              refreshToken: word,
              setupToken: word,
            },
            { requiredKeys: [] },
          )
          .map(json),
        fc.record({ username: word, password: word }).map((value) => ({ kind: 'form' as const, value })),
        fc
          .record({ type: fc.constantFrom('text/plain', 'multipart/form-data; boundary=x', 'application/json'), text: word })
          .map((r) => ({ kind: 'raw' as const, ...r })),
      ),
    }),
    fc.record({ who, method: fc.constantFrom('GET', 'POST'), path: fc.constant('/auth/me') }),
  )

  // Ends a session: rare, or the rest of a run would be anonymous.
  const logout: fc.Arbitrary<Gen> = fc.record({
    who,
    method: fc.constant('POST'),
    path: fc.constantFrom('/auth/logout', '/auth/logout-all'),
  })

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
        .map(json),
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
    path: fc.constantFrom(...shape.otherPaths),
  })

  // Bodies over the limit (always refused) and list operands over the cap (422 before any read).
  const tooLong = (n: number) => Array.from({ length: n }, (_, i) => `i${i}`)
  const limits: fc.Arbitrary<Gen> = fc.oneof(
    fc.record({
      who,
      method: fc.constant('POST'),
      path: fc.constantFrom(...shape.oversizedPaths),
      body: fc
        .integer({ min: shape.maxBody + 1, max: 4 * shape.maxBody })
        .map((n) => json({ name: 'n'.repeat(n), username: shape.usernames[0], password: 'x' })),
      tag: fc.constant('oversized' as const),
    }),
    fc.record({
      who,
      method: fc.constant('GET'),
      path: fc.constant(`/${shape.listPath}`),
      query: fc
        .tuple(fc.constantFrom('id__in', 'category__in', 'price__nin'), fc.integer({ min: shape.maxList + 1, max: shape.maxList + 300 }))
        .map(([k, n]) => ({ [k]: Array.from({ length: n }, (_, i) => String(i)).join(',') })),
      tag: fc.constant('longList' as const),
    }),
    fc.record({
      who,
      method: fc.constant('POST'),
      path: fc.constant(`/${shape.listPath}/search`),
      body: fc.integer({ min: shape.maxList + 1, max: shape.maxList + 300 }).map((n) => json({ filter: { id__in: tooLong(n) } })),
      tag: fc.constant('longList' as const),
    }),
  )

  return fc.oneof(
    { arbitrary: crud, weight: 30 },
    { arbitrary: auth, weight: 8 },
    { arbitrary: logout, weight: 1 },
    { arbitrary: uploads, weight: 10 },
    { arbitrary: other, weight: 5 },
    { arbitrary: limits, weight: 5 },
  ) as fc.Arbitrary<Gen>
}

/**
 * Every object of the store, one line each: key, etag, size and modification time. Index entries,
 * unique claims, sessions and refresh tokens are objects like the records, so they are in it.
 */
export async function snapshot(store: ObjectStore): Promise<string> {
  const entries: string[] = []
  let cursor: string | undefined
  do {
    const page = await store.list('', cursor ? { cursor } : {})
    for (const object of page.objects) entries.push(`${object.key} ${object.etag} ${object.size} ${object.lastModified?.getTime()}`)
    cursor = page.cursor
  } while (cursor)
  return entries.join('\n')
}

/** The objects added, removed or changed between two snapshots (`+ key`, `- key`, `~ key`). */
export function changes(before: string, after: string): string[] {
  const index = (text: string) =>
    new Map(
      text
        .split('\n')
        .filter(Boolean)
        .map((line) => [line.split(' ')[0] as string, line]),
    )
  const [a, b] = [index(before), index(after)]
  const out: string[] = []
  for (const [key, line] of b)
    if (!a.has(key)) out.push(`+ ${key}`)
    else if (a.get(key) !== line) out.push(`~ ${key}`)
  for (const key of a.keys()) if (!b.has(key)) out.push(`- ${key}`)
  return out
}

/** What a run sends its requests to. */
export interface FuzzWorld {
  app: { request: (path: string, init: RequestInit) => Response | Promise<Response> }
  store: ObjectStore
  /** The Authorization header of each caller (undefined: none). */
  tokens: Record<string, string | undefined>
  /** Replaces the `{placeholders}` of a generated request with this world's ids. */
  fill: (text: string) => string
  /** The canary's state (records and upload, with etags), compared after every request. */
  canaryState: () => Promise<string>
  /** Texts of the canary that no answer may contain. */
  secrets: readonly string[]
}

/** Counts of one fuzz run, printed at the end. */
export interface FuzzStats {
  requests: number
  refused: number
  byStatus: Map<number, number>
}

export const newStats = (): FuzzStats => ({ requests: 0, refused: 0, byStatus: new Map() })

/** Sends one generated request and checks every oracle on its answer. */
export async function sendAndCheck(world: FuzzWorld, shape: FuzzShape, gen: Gen, canaryBefore: string, stats: FuzzStats) {
  const { fill } = world
  const headers = new Headers(gen.headers ?? {})
  const token = world.tokens[gen.who]
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
  const query = gen.query ? `?${new URLSearchParams(Object.fromEntries(Object.entries(gen.query).map(([k, v]) => [k, fill(v)])))}` : ''
  const path = fill(gen.path)
  const before = await snapshot(world.store)
  const res = await world.app.request(`${path}${query}`, {
    method: gen.method,
    headers,
    ...(body === undefined || gen.method === 'GET' ? {} : { body }),
  })
  const text = await res.text()
  const label = `${gen.who} ${gen.method} ${path}${query.slice(0, 80)} → ${res.status} ${text.slice(0, 200)}`
  stats.requests++
  stats.byStatus.set(res.status, (stats.byStatus.get(res.status) ?? 0) + 1)
  // 1. No server fault, except the documented 501 (presigning needs S3).
  if (res.status >= 500) {
    expect(res.status, label).toBe(501)
    expect(text, label).toContain('storage.presignUnsupported')
  }
  // 2. Every error of the API is problem+json with a code (admin pages answer HTML).
  if (res.status >= 400 && !path.startsWith('/admin')) {
    expect(res.headers.get('content-type'), label).toMatch(/^application\/problem\+json/)
    expect(typeof (JSON.parse(text) as { code?: unknown }).code, label).toBe('string')
  }
  // 3. The canary is never revealed (nor changed: checked below).
  for (const secret of world.secrets) expect(text, label).not.toContain(secret)
  // 4. A write the caller may not make is refused, and a refused request changes nothing in the store.
  if (shape.mustRefuse?.(gen)) expect(res.status, `${label} (must be refused)`).toBeGreaterThanOrEqual(400)
  if (shape.gated?.(gen)) expect([401, 403, 404, 405], `${label} (refused by its rule before anything is read)`).toContain(res.status)
  if (res.status >= 400) {
    stats.refused++
    const changed = changes(before, await snapshot(world.store))
    expect(changed, `${label}: the store changed: ${changed.slice(0, 5).join(', ')}`).toEqual([])
  }
  // 5. The limits. A bad or revoked token (401) and a role the caller lacks (403) are refused first,
  // whatever the body, and a caller over a rate limit (429) before its body is read; any other caller
  // meets the limits.
  const signedInOrNot = res.status !== 401 && res.status !== 403 && res.status !== 429
  if (gen.tag === 'oversized') expect(res.status, label).toBeGreaterThanOrEqual(400)
  if (gen.tag === 'oversized' && signedInOrNot && shape.oversizedReadsBody.includes(gen.path)) expect(res.status, label).toBe(413)
  if (gen.tag === 'longList' && signedInOrNot) {
    expect(res.status, label).toBe(422)
    expect(text, label).toContain(`at most ${shape.maxList} per list (maxListValues)`)
  }
  expect(await world.canaryState(), label).toBe(canaryBefore)
}

/** fast-check parameters from the environment: `FUZZ_SEED` (and `FUZZ_PATH`) replay a reported failure. */
export function fuzzParameters(numRuns: number): fc.Parameters<unknown> {
  const seed = process.env.FUZZ_SEED
  const path = process.env.FUZZ_PATH
  return { numRuns, endOnFailure: true, ...(seed ? { seed: Number(seed) } : {}), ...(path ? { path } : {}) }
}

/**
 * Runs `runs` sequences of `requestsPerRun` generated requests, each on a fresh world, checking the
 * oracles on every answer. Throws fast-check's report (seed and shrunk sequence) on the first failure.
 */
export async function runFuzz(options: {
  shape: FuzzShape
  world: () => Promise<FuzzWorld>
  runs: number
  requestsPerRun: number
  stats?: FuzzStats
}): Promise<FuzzStats> {
  const stats = options.stats ?? newStats()
  const requests = fc.array(fuzzRequests(options.shape), { minLength: options.requestsPerRun, maxLength: options.requestsPerRun })
  const details = await fc.check(
    fc.asyncProperty(requests, async (gens) => {
      const world = await options.world()
      const canaryBefore = await world.canaryState()
      for (const gen of gens) await sendAndCheck(world, options.shape, gen, canaryBefore, stats)
    }),
    fuzzParameters(options.runs),
  )
  if (details.failed) {
    // The failing request and oracle, not fast-check's dump of 52 generated requests.
    const cause = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance)
    throw new Error(
      `HTTP fuzz failed after ${details.numRuns} runs (replay: FUZZ_SEED=${details.seed} FUZZ_PATH=${details.counterexamplePath}): ${cause}`,
    )
  }
  return stats
}

/** One line of counts for the test's output. */
export const describeStats = (stats: FuzzStats, seconds: number) =>
  `${stats.requests} requests (${stats.refused} refused) in ${seconds.toFixed(1)} s; statuses ${JSON.stringify(
    Object.fromEntries([...stats.byStatus].sort((a, b) => a[0] - b[0])),
  )}`

/**
 * The load test of the demo server (issue 22): `npm start`'s entry (examples/shop/src/main.ts) run as
 * its own Node process on Ceph RGW, driven by autocannon over loopback with a mixed read/write
 * workload, its memory sampled over an IPC channel, beside a raw AWS SDK GET/PUT loop on the same RGW
 * at the same concurrency. Used by `npm run bench -- load` (bench/load.ts) and, shorter, by
 * examples/shop/test/load.rgw.test.ts.
 */
import { createTestBucket, type S3TestServer } from '@s3verless/testing'
import { mulberry32 } from '@s3verless/testing/random'
import autocannon from 'autocannon'
import type { MemorySample } from './load-probe.js'
import type { LoadReport } from './load-report.js'
import { sampleMemory, startServer } from './load-server.js'
import { rawLoop } from './raw-rgw.js'

export type { LoadReport } from './load-report.js'
export { describeLoad, memoryWithinBound } from './load-report.js'

export interface LoadOptions {
  server: S3TestServer
  /** Seconds of load (default 60). */
  seconds?: number
  /** Concurrent connections, also of the raw SDK loop (default 32). */
  connections?: number
  /** Customers signed in (default 16); each has its own client address. */
  users?: number
  /** Products made before the load (default 150). */
  products?: number
  /** Seconds of the raw SDK loop (default 5). */
  rawSeconds?: number
  /** Seconds a request may take before it counts as a timeout (default 10). */
  timeoutSeconds?: number
  log?: (line: string) => void
}

const PASSWORD = 'correct-horse-load-7'
const CATEGORIES = ['home', 'garden', 'toys', 'books'] as const

interface User {
  name: string
  /** The address this user's requests come from (`X-Forwarded-For`, believed from 127.0.0.1 only). */
  address: string
  access: string
  refresh: string
  reviewIds: string[]
  lastLogin: number
  lastRefresh: number
  /** A login or refresh of this user is on its way (a refresh token is spent once). */
  authBusy: boolean
}

/** Runs `work` over `items` with at most `limit` at once. */
async function pool<T>(items: readonly T[], limit: number, work: (item: T, i: number) => Promise<void>) {
  let next = 0
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++
        await work(items[i] as T, i)
      }
    }),
  )
}

type Operation =
  | 'listByCategory'
  | 'listByPrice'
  | 'listNewest'
  | 'getProduct'
  | 'search'
  | 'myReviews'
  | 'createReview'
  | 'updateReview'
  | 'createProduct'
  | 'updateProduct'
  | 'me'
  | 'login'
  | 'refresh'

/** The mix, in parts per 100 (login and refresh happen only when the user's own gap allows: see `pick`). */
const MIX: readonly [Operation, number][] = [
  ['listByCategory', 16],
  ['listByPrice', 12],
  ['listNewest', 8],
  ['getProduct', 20],
  ['search', 5],
  ['myReviews', 8],
  ['createReview', 9],
  ['updateReview', 7],
  ['createProduct', 3],
  ['updateProduct', 4],
  ['me', 3],
  ['login', 1],
  ['refresh', 4],
]
/**
 * A user logs in at most once per LOGIN_GAP (its setup login counted as LOGIN_GAP / 2 old, so the first
 * comes soon) and refreshes at most once per REFRESH_GAP: at most 4 logins and 6 refreshes in any
 * minute, under the demo's limits (5 and 10 a minute per address), which stay as they are.
 */
const LOGIN_GAP = 20_000
const REFRESH_GAP = 10_000

/**
 * Runs the load: starts the demo server on a fresh bucket of `server`, makes an admin, `users`
 * customers and `products` products over HTTP, measures the raw SDK loop, then holds the mixed
 * workload for `seconds` with `connections` connections, sampling the server's memory each second.
 */
export async function runLoad(options: LoadOptions): Promise<LoadReport> {
  const seconds = options.seconds ?? 60
  const connections = options.connections ?? 32
  const userCount = options.users ?? 16
  const productCount = options.products ?? 150
  const log = options.log ?? ((line: string) => console.log(line))
  const { bucket } = await createTestBucket(options.server)
  const { child, base, setupToken, output } = await startServer(options.server, bucket)
  try {
    const call = async (path: string, init: { body?: unknown; token?: string; address: string; method?: string }) => {
      const res = await fetch(`${base}${path}`, {
        method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
        headers: {
          'x-forwarded-for': init.address,
          ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
        },
        ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      })
      const text = await res.text()
      if (!res.ok) throw new Error(`${init.method ?? 'POST'} ${path} → ${res.status} ${text.slice(0, 300)}`)
      return JSON.parse(text) as Record<string, unknown>
    }
    // Setup over HTTP, each user from its own address (198.18.0.0/15 is the benchmarking range).
    log(`demo server at ${base} on bucket ${bucket}; making an admin, ${userCount} customers and ${productCount} products`)
    const adminAddress = '198.18.100.1'
    await call('/auth/setup', {
      address: adminAddress,
      body: { setupToken, username: 'load-admin', email: 'load-admin@example.com', password: PASSWORD },
    })
    const adminLogin = await call('/auth/login', { address: adminAddress, body: { username: 'load-admin', password: PASSWORD } })
    const admin = { token: adminLogin.accessToken as string, address: adminAddress }
    const productIds: string[] = []
    const rand = mulberry32(22)
    let skuSeq = 0
    const newProduct = () => ({
      name: `Product ${skuSeq}`,
      sku: `LOAD-${skuSeq++}`,
      price: Math.round(rand() * 20000) / 100,
      category: CATEGORIES[Math.floor(rand() * CATEGORIES.length)],
      tags: ['load'],
    })
    await pool(
      Array.from({ length: productCount }, () => newProduct()),
      8,
      async (product) => {
        productIds.push((await call('/products', { ...admin, body: product })).id as string)
      },
    )
    const users: User[] = Array.from({ length: userCount }, (_, i) => ({
      name: `load-user-${i}`,
      address: `198.18.${Math.floor(i / 250)}.${(i % 250) + 1}`,
      access: '',
      refresh: '',
      reviewIds: [],
      lastLogin: 0,
      lastRefresh: 0,
      authBusy: false,
    }))
    await pool(users, 4, async (user) => {
      await call('/auth/register', {
        address: user.address,
        body: { username: user.name, email: `${user.name}@example.com`, password: PASSWORD },
      })
      const tokens = await call('/auth/login', { address: user.address, body: { username: user.name, password: PASSWORD } })
      user.access = tokens.accessToken as string
      user.refresh = tokens.refreshToken as string
      user.lastLogin = Date.now() - LOGIN_GAP / 2
      const productId = productIds[Math.floor(rand() * productIds.length)]
      user.reviewIds.push(
        (await call('/reviews', { address: user.address, token: user.access, body: { productId, rating: 4 } })).id as string,
      )
    })

    log(`raw SDK GET/PUT loop: ${connections} workers for ${options.rawSeconds ?? 5} s`)
    const raw = await rawLoop(options.server, bucket, connections, options.rawSeconds ?? 5)

    // The workload: each request picks an operation and a user; login and refresh only when that user's gap allows.
    const byOperation: Record<string, Record<string, number>> = {}
    const examples: string[] = []
    const totalWeight = MIX.reduce((sum, [, w]) => sum + w, 0)
    const pick = (): { op: Operation; user: User } => {
      const user = users[Math.floor(rand() * users.length)] as User
      let r = rand() * totalWeight
      let op: Operation = 'getProduct'
      for (const [name, weight] of MIX) {
        r -= weight
        if (r < 0) {
          op = name
          break
        }
      }
      const now = Date.now()
      if ((op === 'login' || op === 'refresh') && user.authBusy) op = 'getProduct'
      if (op === 'login' && now - user.lastLogin < LOGIN_GAP) op = 'getProduct'
      if (op === 'refresh' && now - user.lastRefresh < REFRESH_GAP) op = 'getProduct'
      if (op === 'updateReview' && user.reviewIds.length === 0) op = 'createReview'
      if (op === 'login') user.lastLogin = now
      if (op === 'refresh') user.lastRefresh = now
      if (op === 'login' || op === 'refresh') user.authBusy = true
      return { op, user }
    }
    const anyProduct = () => productIds[Math.floor(rand() * productIds.length)] as string
    const category = () => CATEGORIES[Math.floor(rand() * CATEGORIES.length)]
    const build = (op: Operation, user: User): { method: 'GET' | 'POST' | 'PATCH'; path: string; body?: unknown; as?: 'admin' } => {
      switch (op) {
        case 'listByCategory':
          return { method: 'GET', path: `/products?category=${category()}&orderBy=-price&limit=20` }
        case 'listByPrice':
          return { method: 'GET', path: `/products?price__lt=${Math.floor(rand() * 200)}&orderBy=price&limit=20` }
        case 'listNewest':
          return { method: 'GET', path: `/products?category__in=${category()},${category()}&orderBy=-createdAt&limit=10` }
        case 'getProduct':
          return { method: 'GET', path: `/products/${anyProduct()}` }
        case 'search':
          return {
            method: 'POST',
            path: '/products/search',
            body: { filter: { category: category(), price__gte: 50 }, orderBy: '-price', limit: 10 },
          }
        case 'myReviews':
          return { method: 'GET', path: '/reviews?limit=20' }
        case 'createReview':
          return {
            method: 'POST',
            path: '/reviews',
            body: { productId: anyProduct(), rating: 1 + Math.floor(rand() * 5), text: 'under load' },
          }
        case 'updateReview':
          return {
            method: 'PATCH',
            path: `/reviews/${user.reviewIds[Math.floor(rand() * user.reviewIds.length)]}`,
            body: { rating: 1 + Math.floor(rand() * 5) },
          }
        case 'createProduct':
          return { method: 'POST', path: '/products', body: newProduct(), as: 'admin' }
        case 'updateProduct':
          return { method: 'PATCH', path: `/products/${anyProduct()}`, body: { price: Math.round(rand() * 20000) / 100 }, as: 'admin' }
        case 'me':
          return { method: 'GET', path: '/auth/me' }
        case 'login':
          return { method: 'POST', path: '/auth/login', body: { username: user.name, password: PASSWORD } }
        case 'refresh':
          return { method: 'POST', path: '/auth/refresh', body: { refreshToken: user.refresh } }
      }
    }

    interface Context {
      op?: Operation
      user?: User
    }
    const samples: MemorySample[] = [await sampleMemory(child)]
    const sampler = setInterval(() => {
      sampleMemory(child).then(
        (sample) => samples.push(sample),
        () => undefined,
      )
    }, 1000)
    log(`load: ${connections} connections for ${seconds} s`)
    let result: autocannon.Result
    try {
      result = await autocannon({
        url: base,
        connections,
        duration: seconds,
        timeout: options.timeoutSeconds ?? 10,
        requests: [
          {
            setupRequest: (request, context) => {
              const { op, user } = pick()
              Object.assign(context as Context, { op, user })
              const req = build(op, user)
              const token = req.as === 'admin' ? admin.token : op === 'login' || op === 'refresh' ? undefined : user.access
              return {
                ...request,
                method: req.method,
                path: req.path,
                headers: {
                  'x-forwarded-for': req.as === 'admin' ? admin.address : user.address,
                  ...(token ? { authorization: `Bearer ${token}` } : {}),
                  ...(req.body === undefined ? {} : { 'content-type': 'application/json' }),
                },
                ...(req.body === undefined ? { body: undefined } : { body: JSON.stringify(req.body) }),
              }
            },
            onResponse: (status, body, context) => {
              const { op, user } = context as Required<Context>
              const counts = byOperation[op] ?? {}
              byOperation[op] = counts
              counts[status] = (counts[status] ?? 0) + 1
              if (status >= 300 && status !== 409 && examples.length < 10) examples.push(`${op} → ${status} ${body.slice(0, 200)}`)
              if (op === 'login' || op === 'refresh') {
                user.authBusy = false
                if (status === 200) {
                  const tokens = JSON.parse(body) as { accessToken: string; refreshToken: string }
                  user.access = tokens.accessToken
                  user.refresh = tokens.refreshToken
                }
              }
              if (op === 'createReview' && status === 201) user.reviewIds.push((JSON.parse(body) as { id: string }).id)
              if (op === 'createProduct' && status === 201) productIds.push((JSON.parse(body) as { id: string }).id)
            },
          },
        ],
      })
    } finally {
      clearInterval(sampler)
    }
    samples.push(await sampleMemory(child))
    const s3Requests = samples.at(-1)!.fetches - samples[0]!.fetches

    const statuses: Record<string, number> = {}
    for (const counts of Object.values(byOperation)) for (const [s, n] of Object.entries(counts)) statuses[s] = (statuses[s] ?? 0) + n
    const conflicts = statuses['409'] ?? 0
    const unexpected = Object.entries(statuses)
      .filter(([s]) => !(Number(s) >= 200 && Number(s) < 300) && s !== '409')
      .reduce((sum, [, n]) => sum + n, 0)
    const third = (part: 0 | 2) => {
      const span = samples.at(-1)!.at - samples[0]!.at
      const from = samples[0]!.at + (part * span) / 3
      const inPart = samples.filter((s) => s.at >= from && s.at <= from + span / 3)
      return { heapUsed: Math.max(...inPart.map((s) => s.heapUsed)), rss: Math.max(...inPart.map((s) => s.rss)) }
    }
    return {
      seconds,
      connections,
      users: userCount,
      http: {
        requests: result.requests.total,
        perSecond: result.requests.total / (result.duration || seconds),
        p50: result.latency.p50,
        p99: result.latency.p99,
        errors: result.errors,
        timeouts: result.timeouts,
        statuses,
        byOperation,
        conflicts,
        unexpected,
        examples,
      },
      raw,
      s3: {
        requests: s3Requests,
        perHttpRequest: s3Requests / Math.max(1, result.requests.total),
        perSecond: s3Requests / (result.duration || seconds),
      },
      memory: { samples, first: third(0), last: third(2) },
    }
  } catch (error) {
    throw new Error(`${(error as Error).message}\n--- demo server output ---\n${output().slice(-3000)}`)
  } finally {
    child.kill('SIGTERM')
  }
}

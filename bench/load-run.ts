/**
 * The load test of the demo server (issue 22): `npm start`'s entry (examples/shop/src/main.ts) run as
 * its own Node process on Ceph RGW, driven by autocannon over loopback with a mixed read/write
 * workload, its memory sampled over an IPC channel, beside a raw AWS SDK GET/PUT loop on the same RGW
 * at the same concurrency. Used by `npm run bench -- load` (bench/load.ts) and, shorter, by
 * examples/shop/test/load.rgw.test.ts.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3'
import { createTestBucket, type S3TestServer } from '@s3verless/testing'
import autocannon from 'autocannon'
import type { MemorySample } from './load-probe.js'

/** What a load run measured. */
export interface LoadReport {
  seconds: number
  connections: number
  users: number
  http: {
    requests: number
    perSecond: number
    p50: number
    p99: number
    /** autocannon's connection errors (timeouts included) and timeouts. */
    errors: number
    timeouts: number
    /** Answers by status, and by operation and status. */
    statuses: Record<string, number>
    byOperation: Record<string, Record<string, number>>
    /** 409s: an owner-checked write that met another writer 3 times (expected under contention). */
    conflicts: number
    /** Answers that are neither 2xx nor an expected 409, with a few examples. */
    unexpected: number
    examples: string[]
  }
  raw: { operations: number; perSecond: number; p50: number; p99: number; seconds: number }
  /** Requests the server sent to S3 during the load, and per HTTP request. */
  s3: { requests: number; perHttpRequest: number; perSecond: number }
  memory: {
    samples: MemorySample[]
    /** Largest live heap and RSS (bytes) in the first and last third of the run. */
    first: { heapUsed: number; rss: number }
    last: { heapUsed: number; rss: number }
  }
}

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
const shopDir = fileURLToPath(new URL('../examples/shop/', import.meta.url))
const probe = fileURLToPath(new URL('./load-probe.ts', import.meta.url))

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

/** A small seeded PRNG (mulberry32), so a run's mix can be replayed. */
function random(seed: number) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Starts the demo server on the bucket, with the memory probe; resolves with its base URL and setup token. */
async function startServer(server: S3TestServer, bucket: string) {
  const child = spawn(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', '--import', probe, '--conditions=@s3verless/source', 'src/main.ts'],
    {
      cwd: shopDir,
      env: {
        ...process.env,
        PORT: '0',
        HOST: '127.0.0.1',
        AWS_BUCKET_NAME: bucket,
        AWS_ENDPOINT_URL: server.endpoint,
        AWS_ACCESS_KEY_ID: server.accessKeyId,
        AWS_SECRET_ACCESS_KEY: server.secretAccessKey,
        AWS_REGION: 'us-east-1',
        S3_FORCE_PATH_STYLE: 'true',
        S3_PROVIDER: server.provider,
        SECRET_KEY: randomBytes(32).toString('hex'),
        // The load generator stands for many clients behind one proxy (itself, on 127.0.0.1): each
        // simulated user's address is its X-Forwarded-For, so the login limit counts users apart.
        TRUSTED_PROXIES: '127.0.0.1',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    },
  )
  let out = ''
  const started = await new Promise<{ base: string; setupToken: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the demo server did not start:\n${out}`)), 90_000)
    const read = (chunk: Buffer) => {
      out += chunk.toString()
      const api = /API\s+\S*\s*(http:\/\/127\.0\.0\.1:\d+)\//.exec(out)
      const token = /setup token (\S+)/.exec(out)
      if (api && token) {
        clearTimeout(timer)
        resolve({ base: api[1] as string, setupToken: token[1] as string })
      }
    }
    child.stdout?.on('data', read)
    child.stderr?.on('data', read)
    child.on('exit', (code) => reject(new Error(`the demo server exited (${code}):\n${out}`)))
  })
  return { child, ...started, output: () => out }
}

/** Asks the server's probe for one memory sample. */
function sampleMemory(child: ChildProcess): Promise<MemorySample> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no memory sample from the server within 10 s')), 10_000)
    const onMessage = (message: unknown) => {
      if ((message as MemorySample).type !== 'memory') return
      clearTimeout(timer)
      child.off('message', onMessage)
      resolve(message as MemorySample)
    }
    child.on('message', onMessage)
    child.send({ type: 'memory' })
  })
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

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0

/** The raw AWS SDK GET/PUT loop on the same RGW: `connections` workers, each a PUT then a GET of a 512-byte object. */
async function rawLoop(server: S3TestServer, bucket: string, connections: number, seconds: number) {
  const client = new S3Client({
    endpoint: server.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey },
  })
  const body = randomBytes(256).toString('hex')
  const latencies: number[] = []
  const until = Date.now() + seconds * 1000
  const started = Date.now()
  await Promise.all(
    Array.from({ length: connections }, async (_, w) => {
      for (let n = 0; Date.now() < until; n++) {
        const key = `raw-baseline/${w}/${n % 16}`
        let t = performance.now()
        await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: 'application/json' }))
        latencies.push(performance.now() - t)
        t = performance.now()
        const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }))
        await got.Body?.transformToString()
        latencies.push(performance.now() - t)
      }
    }),
  )
  const elapsed = (Date.now() - started) / 1000
  client.destroy()
  latencies.sort((a, b) => a - b)
  return {
    operations: latencies.length,
    perSecond: latencies.length / elapsed,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    seconds: elapsed,
  }
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
    const rand = random(22)
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

const MiB = 2 ** 20

/** The report as a few lines of text (for the console and the test's output). */
export function describeLoad(report: LoadReport): string {
  const { http, raw, memory } = report
  return [
    `demo server on RGW: ${http.requests} requests in ${report.seconds} s at ${report.connections} connections: ${http.perSecond.toFixed(0)} req/s, p50 ${http.p50} ms, p99 ${http.p99} ms`,
    `  errors ${http.errors}, timeouts ${http.timeouts}, 409 conflicts ${http.conflicts}, other non-2xx ${http.unexpected}; statuses ${JSON.stringify(http.statuses)}`,
    `  by operation: ${JSON.stringify(http.byOperation)}`,
    `  the server sent ${report.s3.requests} requests to RGW meanwhile: ${report.s3.perHttpRequest.toFixed(1)} per HTTP request, ${report.s3.perSecond.toFixed(0)} a second`,
    `raw SDK GET/PUT on the same RGW at ${report.connections} in flight: ${raw.operations} requests in ${raw.seconds.toFixed(1)} s: ${raw.perSecond.toFixed(0)} req/s, p50 ${raw.p50.toFixed(1)} ms, p99 ${raw.p99.toFixed(1)} ms`,
    `server memory after full GC (${memory.samples.length} samples): live heap max ${(memory.first.heapUsed / MiB).toFixed(1)} MiB in the first third, ${(memory.last.heapUsed / MiB).toFixed(1)} MiB in the last; RSS max ${(memory.first.rss / MiB).toFixed(0)} → ${(memory.last.rss / MiB).toFixed(0)} MiB`,
    ...(http.examples.length ? ['  examples of unexpected answers:', ...http.examples.map((e) => `    ${e}`)] : []),
  ].join('\n')
}

/**
 * The memory bound of the load test: the live heap (after a full GC) in the last third of the run at
 * most 1.2× the first third's plus 8 MiB, and RSS at most 1.5× plus 64 MiB. How small a leak this
 * catches depends on how many requests the run makes (see the README's Load figures).
 */
export function memoryWithinBound(report: LoadReport): { ok: boolean; why: string } {
  const { first, last } = report.memory
  const heapLimit = first.heapUsed * 1.2 + 8 * MiB
  const rssLimit = first.rss * 1.5 + 64 * MiB
  const ok = last.heapUsed <= heapLimit && last.rss <= rssLimit
  return {
    ok,
    why: `live heap ${(last.heapUsed / MiB).toFixed(1)} MiB (bound ${(heapLimit / MiB).toFixed(1)}), RSS ${(last.rss / MiB).toFixed(0)} MiB (bound ${(rssLimit / MiB).toFixed(0)})`,
  }
}

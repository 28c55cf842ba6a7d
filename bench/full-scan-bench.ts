/**
 * Table 1: the library against the full-scan baseline (the earlier Python version's strategy, see
 * full-scan-baseline.ts), on the same store in one run. Each operation runs `reps` times on each
 * side, the sides alternating which goes first, after one unmeasured warm-up call of ours (the
 * model's index catalog is read once per process); each side's answer is checked against the other's.
 */
import { randomUUID } from 'node:crypto'
import { bcryptHasher, normalizeEmail, normalizeUsername, S3AuthService } from '@s3verless/auth'
import {
  createDatabase,
  createSettings,
  defineModel,
  type InstrumentedStore,
  importMany,
  type Repository,
  type RequestCounts,
} from '@s3verless/core'
import { mapLimit } from '@s3verless/core/internal'
import { query } from '@s3verless/query'
import * as z from 'zod'
import { FullScanBaseline } from './full-scan-baseline.js'
import { int, median, ms, progress, ratio } from './stats.js'

/** Two unique and two indexed fields, as the issue asks of the create. */
export const Item = defineModel(z.object({ sku: z.string(), slug: z.string(), category: z.string(), price: z.number() }), {
  name: 'Item',
  unique: ['sku', 'slug'],
  indexed: ['category', 'price'],
})
const UNIQUE = ['sku', 'slug'] as const
export const PASSWORD = 'bench-password-1'
/** bcrypt's lowest cost keeps loading and login quick; both sides verify the same hash, so it cancels out. */
export const BCRYPT_COST = 4

/** Item `i` of `n`: 20 of them in category "rare" (when n ≥ 20), prices 0…n−1. */
export function itemInput(i: number, n: number) {
  const step = Math.max(1, Math.floor(n / 20))
  const rare = i % step === 0 && i / step < 20
  return { sku: `S-${i}`, slug: `item-${i}`, category: rare ? 'rare' : `c${i % 49}`, price: i }
}

export interface Sides {
  store: InstrumentedStore
  items: Repository<typeof Item>
  auth: S3AuthService
  baseline: FullScanBaseline
  n: number
  /** Item 5's id on each side, for get by id. */
  probe: { ours: string; theirs: string }
}

/** Loads n items and n users on each side (without added latency: set it after). */
export async function loadSides(store: InstrumentedStore, n: number, concurrency: number): Promise<Sides> {
  store.setLatency(0)
  const db = createDatabase({ store, models: [Item], concurrency: 16 })
  const items = db.repository(Item)
  const hasher = bcryptHasher({ cost: BCRYPT_COST })
  const auth = new S3AuthService({ store, settings: createSettings({}), secretKey: 'bench-secret-of-at-least-32-characters', hasher })
  const baseline = new FullScanBaseline(store, `baseline/${Item.plural}/`, auth.userModel.getS3Prefix(auth.database.basePath))
  const inputs = function* () {
    for (let i = 0; i < n; i++) yield itemInput(i, n)
  }
  const check = (what: string, report: { failed: number; failures: readonly unknown[] }) => {
    if (report.failed > 0) throw new Error(`loading ${what} failed: ${JSON.stringify(report.failures.slice(0, 3))}`)
  }
  progress(`loading ${int(n)} items (ours)`)
  check('items', await importMany(items, inputs(), { concurrency }))
  progress(`loading ${int(n)} items (baseline copy)`)
  const ids = Array.from({ length: n }, () => randomUUID())
  await mapLimit(
    ids.map((id, i) => ({ id, i })),
    concurrency,
    ({ id, i }) => baseline.put(itemInput(i, n), id),
  )
  progress(`loading ${int(n)} users (one bcrypt hash, cost ${BCRYPT_COST}, shared by all)`)
  const hashedPassword = await hasher.hash(PASSWORD)
  const users = function* () {
    for (let i = 0; i < n; i++) {
      const username = `user-${i}`
      const email = `${username}@example.com`
      yield { username, normalizedUsername: normalizeUsername(username), email, normalizedEmail: normalizeEmail(email), hashedPassword }
    }
  }
  check('users', await importMany(auth.users, users(), { concurrency }))
  const ours = await items.findBy('sku', 'S-5')
  if (!ours) throw new Error('item S-5 missing after loading')
  return { store, items, auth, baseline, n, probe: { ours: ours.id, theirs: ids[5] as string } }
}

/** One benchmarked operation: how each side does it, and what of the answer both must agree on. */
interface Op {
  /** A short name for the command line and the tests. */
  id: string
  label: string
  ours: (s: Sides, rep: number) => Promise<unknown>
  theirs: (s: Sides, rep: number) => Promise<unknown>
  /** What of an answer must match the other side's. */
  answer: (result: unknown) => unknown
  /** What that must be, where it is known (so two sides wrong alike do not pass). */
  expected?: (s: Sides) => unknown
  /** The unmeasured warm-up of the baseline's side, when it must stay in step with ours (the create). */
  warmTheirs?: (s: Sides, rep: number) => Promise<unknown>
}

const skus = (rows: unknown) => (rows as { sku: string }[]).map((row) => row.sku)
const created = (s: Sides, rep: number) => ({ sku: `NEW-${rep}`, slug: `new-${rep}`, category: 'new', price: s.n + rep })
const loginName = (s: Sides) => `user-${Math.floor(s.n / 2)}`
const rareSkus = (n: number) =>
  Array.from({ length: n }, (_, i) => itemInput(i, n))
    .filter((item) => item.category === 'rare')
    .map((item) => item.sku)

export const OPS: Op[] = [
  {
    id: 'create',
    label: 'create (2 unique + 2 indexed fields)',
    ours: (s, rep) => s.items.create(created(s, rep)),
    theirs: (s, rep) => s.baseline.create(created(s, rep), UNIQUE),
    warmTheirs: (s, rep) => s.baseline.put(created(s, rep)),
    answer: (row) => (row as { sku: string }).sku,
  },
  {
    id: 'get',
    label: 'get by id',
    ours: (s) => s.items.get(s.probe.ours),
    theirs: (s) => s.baseline.get(s.probe.theirs),
    answer: (row) => (row as { sku: string } | null)?.sku,
    expected: () => 'S-5',
  },
  {
    id: 'equality',
    label: 'indexed equality (20 hits)',
    ours: (s) => query(s.items).filter({ category: 'rare' }).all(),
    theirs: (s) => s.baseline.where('category', 'rare'),
    answer: (rows) => skus(rows).sort(),
    expected: (s) => rareSkus(s.n).sort(),
  },
  {
    id: 'page',
    label: "ordered page: orderBy('price').limit(20)",
    ours: (s) => query(s.items).orderBy('price').limit(20).all(),
    theirs: (s) => s.baseline.orderedPage('price', 20),
    answer: skus,
    expected: (s) => Array.from({ length: Math.min(20, s.n) }, (_, i) => `S-${i}`),
  },
  {
    id: 'count',
    label: 'count, filtered by an indexed value',
    ours: (s) => query(s.items).filter({ category: 'rare' }).count(),
    theirs: (s) => s.baseline.countWhere('category', 'rare'),
    answer: (n) => n,
    expected: (s) => rareSkus(s.n).length,
  },
  {
    id: 'countAll',
    label: 'count, total',
    ours: (s) => query(s.items).count(),
    theirs: (s) => s.baseline.countAll(),
    answer: (n) => n,
  },
  {
    id: 'login',
    label: `login (username + bcrypt cost ${BCRYPT_COST})`,
    ours: (s) => s.auth.authenticateUser(loginName(s), PASSWORD),
    theirs: (s) => s.baseline.login(loginName(s), PASSWORD, (p, h) => s.auth.hasher.verify(p, h)),
    answer: (user) => (user as { username: string } | null)?.username ?? null,
    expected: loginName,
  },
]

/** One side's figures for one operation. */
export interface SideFigures {
  /** Requests of one call (the last repetition's). */
  requests: RequestCounts
  /** Wall time of each repetition, in milliseconds. */
  times: number[]
}

export interface OpFigures {
  id: string
  label: string
  ours: SideFigures
  theirs: SideFigures
}

async function timedCall(store: InstrumentedStore, run: () => Promise<unknown>) {
  store.reset()
  const t = performance.now()
  const result = await run()
  return { result, ms: performance.now() - t, requests: store.counts() }
}

/**
 * Runs every operation `reps` times on each side with `latencyMs` added to each request, and checks
 * that both sides answer alike. Throws when they do not.
 */
export async function measureSides(s: Sides, latencyMs: number, reps: number): Promise<OpFigures[]> {
  const figures: OpFigures[] = []
  for (const op of OPS) {
    progress(`N=${int(s.n)}: ${op.label}`)
    s.store.setLatency(0)
    await op.ours(s, -1)
    await op.warmTheirs?.(s, -1)
    s.store.setLatency(latencyMs)
    const ours: SideFigures = { requests: s.store.counts(), times: [] }
    const theirs: SideFigures = { requests: s.store.counts(), times: [] }
    for (let rep = 0; rep < reps; rep++) {
      const runOurs = async () => {
        const r = await timedCall(s.store, () => op.ours(s, rep))
        ours.times.push(r.ms)
        ours.requests = r.requests
        return r.result
      }
      const runTheirs = async () => {
        const r = await timedCall(s.store, () => op.theirs(s, rep))
        theirs.times.push(r.ms)
        theirs.requests = r.requests
        return r.result
      }
      const oursFirst = rep % 2 === 0
      const first = await (oursFirst ? runOurs() : runTheirs())
      const second = await (oursFirst ? runTheirs() : runOurs())
      const [mine, b] = oursFirst ? [first, second] : [second, first]
      const want = JSON.stringify(op.answer(b))
      const got = JSON.stringify(op.answer(mine))
      if (got !== want || got === undefined) throw new Error(`${op.label} at N=${s.n}: ours answered ${got}, the baseline ${want}`)
      if (op.expected && got !== JSON.stringify(op.expected(s))) {
        throw new Error(`${op.label} at N=${s.n}: both answered ${got}, not ${JSON.stringify(op.expected(s))}`)
      }
    }
    s.store.setLatency(0)
    figures.push({ id: op.id, label: op.label, ours, theirs })
  }
  return figures
}

/** `1 LIST + 20 GET`-style summary of request counts. */
export function describeRequests(c: RequestCounts): string {
  const parts: string[] = []
  const add = (n: number, what: string) => n > 0 && parts.push(`${int(n)} ${what}`)
  add(c.list, 'LIST')
  add(c.get, 'GET')
  add(c.put, 'PUT')
  add(c.delete + c.deleteMany, 'DELETE')
  return parts.join(' + ') || '0'
}

export const TABLE_HEAD = [
  '| N | operation | requests, ours | requests, baseline | median ms, ours | median ms, baseline | requests ratio | time ratio |',
  '| ---: | --- | --- | --- | ---: | ---: | ---: | ---: |',
]

export function tableRows(n: number, figures: OpFigures[]): string[] {
  return figures.map(({ label, ours, theirs }) => {
    const a = median(ours.times)
    const b = median(theirs.times)
    return `| ${int(n)} | ${label} | ${describeRequests(ours.requests)} | ${describeRequests(theirs.requests)} | ${ms(a)} | ${ms(b)} | ${ratio(theirs.requests.total, ours.requests.total)} | ${ratio(b, a)} |`
  })
}

/** Loads `n` records per side into `store` and prints the table rows for them. */
export async function fullScanRows(
  store: InstrumentedStore,
  options: { n: number; latencyMs: number; reps: number; loadConcurrency: number },
): Promise<string[]> {
  const sides = await loadSides(store, options.n, options.loadConcurrency)
  return tableRows(options.n, await measureSides(sides, options.latencyMs, options.reps))
}

import {
  createDatabase,
  type FaultRule,
  InjectedFault,
  type InstrumentedStore,
  instrumentStore,
  isS3verlessError,
  memoryStore,
  type ObjectStore,
  type Repository,
  S3ClientManager,
  type StoreOp,
  Unavailable,
} from '../../src/index.js'
import { Product } from './fixtures.js'

// Keys are only used to aim faults, never asserted on: index entries will get a per-write suffix.
/** Record objects of Product (not the `_meta/products.json` index catalog). */
export const RECORD = /\/products\/[^/]+\.json$/
/** Any index entry of Product. */
export const ENTRY = /_index(_desc)?\/products\//
/** Any unique claim of Product. */
export const CLAIM = /_unique\/products\//

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** A 5xx-like failure of the store: for a write, the outcome is unknown. */
export const unavailable = (what = 'injected: the answer was lost') => new Unavailable('injected', undefined, { message: what })

/**
 * One client of a shared bucket (think: one process): its own instrumented view of the store and its
 * own database, so faults and stalls aimed at it leave the other clients alone.
 */
export interface Client {
  store: InstrumentedStore
  products: Repository<typeof Product>
  /**
   * Once this client's first request of `op` on a key matching `key` has been performed by the store
   * (before the caller sees its answer), adds the fault `rule` (or the one `rule()` makes then) to
   * this client's requests. Resolves `landed` at that moment.
   */
  faultAfter(op: StoreOp, key: RegExp, rule: FaultRule | (() => FaultRule)): { landed: Promise<void> }
  /** After that request, every request the client issues during the next `ms` waits `ms`: the client pauses there. */
  pauseAfter(op: StoreOp, key: RegExp, ms: number): { landed: Promise<void> }
  /** After that request, every later request of this client fails: it died there. */
  crashAfter(op: StoreOp, key: RegExp): { landed: Promise<void> }
}

export type Listener = (op: StoreOp, key: string) => void

/** Calls `listener` synchronously when the store has performed a request (before the caller sees the answer). */
export function tapped(inner: ObjectStore, listener: Listener): ObjectStore {
  const after =
    <T>(op: StoreOp, key: string) =>
    (result: T) => {
      listener(op, key)
      return result
    }
  const get = ((key: string, opts?: Parameters<ObjectStore['get']>[1]) =>
    inner.get(key, opts ?? {}).then(after('get', key))) as ObjectStore['get']
  return {
    name: inner.name,
    capabilities: inner.capabilities,
    get,
    put: (key, body, opts) => inner.put(key, body, opts).then(after('put', key)),
    delete: (key, opts) => inner.delete(key, opts).then(after('delete', key)),
    deleteMany: (keys) => inner.deleteMany(keys).then(after('deleteMany', keys.join(' '))),
    list: (prefix, opts) => inner.list(prefix, opts).then(after('list', prefix)),
  }
}

/** A client of `shared` with its own database (lease `leaseMs`); `trace` hears of every request the store performed. */
export function client(shared: ObjectStore, options: { leaseMs?: number; basePath?: string; trace?: Listener } = {}): Client {
  const listeners = new Set<Listener>(options.trace ? [options.trace] : [])
  const store = instrumentStore(
    tapped(shared, (op, key) => {
      for (const listener of listeners) listener(op, key)
    }),
  )
  const db = createDatabase({
    store,
    models: [Product],
    ...(options.leaseMs !== undefined ? { leaseMs: options.leaseMs } : {}),
    ...(options.basePath !== undefined ? { basePath: options.basePath } : {}),
  })
  const faultAfter: Client['faultAfter'] = (op, key, rule) => ({
    landed: new Promise<void>((resolve) => {
      const listener: Listener = (o, k) => {
        if (o !== op || !key.test(k)) return
        listeners.delete(listener)
        store.injectFault(typeof rule === 'function' ? rule() : rule)
        resolve()
      }
      listeners.add(listener)
    }),
  })
  return {
    store,
    products: db.repository(Product),
    faultAfter,
    pauseAfter: (op, key, ms) =>
      faultAfter(op, key, () => {
        const until = performance.now() + ms
        return { key: () => performance.now() < until, delayMs: ms, times: Number.POSITIVE_INFINITY }
      }),
    crashAfter: (op, key) =>
      faultAfter(op, key, { times: Number.POSITIVE_INFINITY, error: () => new InjectedFault(op, 'the client died') }),
  }
}

/** A fresh memory bucket and `n` clients of it. */
export function memoryClients(n: number, options: { leaseMs?: number } = {}) {
  const memory = memoryStore()
  return { memory, clients: Array.from({ length: n }, () => client(memory, options)) }
}

/** Waits until `check` holds (polling), or throws after `timeoutMs`. */
export async function until(check: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time')
    await sleep(5)
  }
}

/** A broken promise a user would notice, with what it concerns. */
export interface Violation {
  invariant:
    | 'verify.missingIndexEntries'
    | 'verify.missingClaims'
    | 'verify.duplicates'
    | 'verify.corrupt'
    | 'notFoundByIndex'
    | 'notFoundByUnique'
    | 'uniqueHeldTwice'
    | 'acknowledgedLost'
    | 'uniqueTakeable'
  detail: string
}

/** Every record of the model, page by page. */
export async function allRecords(products: Repository<typeof Product>) {
  const records = []
  let marker: string | undefined
  do {
    const page = await products.listByPrefix({ limit: 1000, ...(marker ? { marker } : {}) })
    records.push(...page.items)
    marker = page.nextMarker
  } while (marker)
  return records
}

/**
 * Checks, after everything settled, what a user relies on: every stored record is found by each of its
 * indexed values (`findAllBy`) and by its unique value (`findBy`); no unique value is held by two
 * records, and one that is held cannot be taken by a new record (`model.unique`); the records in
 * `mustExist` (acknowledged, never deleted) exist; `verify()` reports nothing missing or duplicated.
 * `verify()` runs first and only reports, so nothing is repaired before it looks. The probing creates
 * (`probeUnique`, default true) run last, as they write.
 */
export async function invariantViolations(
  products: Repository<typeof Product>,
  options: { mustExist?: readonly string[]; probeUnique?: boolean } = {},
): Promise<Violation[]> {
  const violations: Violation[] = []
  const report = await products.verify()
  if (report.missingIndexEntries.length > 0)
    violations.push({ invariant: 'verify.missingIndexEntries', detail: report.missingIndexEntries.join(', ') })
  for (const m of report.missingClaims)
    violations.push({ invariant: 'verify.missingClaims', detail: `${m.field}=${String(m.value)} of ${m.id}` })
  for (const d of report.duplicates)
    violations.push({ invariant: 'verify.duplicates', detail: `${d.field}=${String(d.value)} held by ${d.ids.join(', ')}` })
  if (report.corrupt.length > 0) violations.push({ invariant: 'verify.corrupt', detail: report.corrupt.join(', ') })

  const records = await allRecords(products)
  const bySku = new Map<string, string[]>()
  for (const r of records) {
    bySku.set(r.sku, [...(bySku.get(r.sku) ?? []), r.id])
    for (const field of ['category', 'price'] as const) {
      const found = await products.findAllBy(field, r[field])
      if (!found.some((f) => f.id === r.id)) {
        violations.push({ invariant: 'notFoundByIndex', detail: `${r.id} (${field}=${r[field]}) not found by findAllBy` })
      }
    }
    const holder = await products.findBy('sku', r.sku)
    if (holder?.id !== r.id) {
      violations.push({ invariant: 'notFoundByUnique', detail: `${r.id} (sku=${r.sku}): findBy gives ${holder?.id ?? 'null'}` })
    }
  }
  for (const [sku, ids] of bySku) {
    if (ids.length > 1) violations.push({ invariant: 'uniqueHeldTwice', detail: `sku=${sku} held by ${ids.join(', ')}` })
  }
  const stored = new Set(records.map((r) => r.id))
  for (const id of options.mustExist ?? []) {
    if (!stored.has(id)) violations.push({ invariant: 'acknowledgedLost', detail: `${id} was acknowledged and never deleted` })
  }
  if (options.probeUnique ?? true) {
    for (const sku of bySku.keys()) {
      const probe = await products.create({ name: 'probe', sku, price: 0, category: 'probe' }).catch((e: unknown) => e)
      if (!isS3verlessError(probe, 'model.unique')) {
        violations.push({
          invariant: 'uniqueTakeable',
          detail: `sku=${sku} is held, yet a new record ${isS3verlessError(probe) ? `failed with ${probe.code}` : 'took it'}`,
        })
      }
    }
  }
  return violations
}

/** The real S3 server for tests (`S3_TEST_*` variables), as in `@s3verless/testing`: absent → skip, absent under CI → error. */
export function rgwServer(env: Record<string, string | undefined> = process.env) {
  const endpoint = env.S3_TEST_ENDPOINT
  if (!endpoint) {
    if (env.CI === 'true' || env.CI === '1')
      throw new Error('CI is set but S3_TEST_ENDPOINT is not: start it with scripts/s3-server.sh start')
    return undefined
  }
  return {
    endpoint,
    accessKeyId: env.S3_TEST_ACCESS_KEY_ID ?? 's3verless',
    secretAccessKey: env.S3_TEST_SECRET_ACCESS_KEY ?? 's3verless-test-secret',
    provider: env.S3_TEST_PROVIDER === 'aws' ? ('aws' as const) : ('ceph' as const),
  }
}

export const RGW_SKIP_REASON = 'S3_TEST_ENDPOINT is not set: start a real S3 server with `scripts/s3-server.sh start`'

/** A store on a fresh bucket of the test server. */
export async function rgwBucket(server: NonNullable<ReturnType<typeof rgwServer>>): Promise<ObjectStore> {
  const bucket = `races-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`
  const manager = new S3ClientManager({ ...server, region: 'us-east-1', forcePathStyle: true, bucket })
  await manager.createBucket(bucket)
  return manager.store()
}

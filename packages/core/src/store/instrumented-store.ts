import type { GetOptions, NotModified, ObjectStore, StoredObject } from './types.js'

/** The port operations, one S3 request each. */
export type StoreOp = 'get' | 'put' | 'delete' | 'deleteMany' | 'list'

/** Requests counted per operation. */
export type RequestCounts = Record<StoreOp, number> & { total: number }

/** A fault to inject. Matching requests fail (or stall) as described, `times` times. */
export interface FaultRule {
  /** Which operations it applies to (default: all). */
  op?: StoreOp | readonly StoreOp[]
  /** Which keys (prefix-list calls match on the prefix; deleteMany on any of its keys). */
  key?: string | RegExp | ((key: string) => boolean)
  /** Let this many matching requests through first (default 0). */
  skip?: number
  /** How many matching requests it affects (default 1; `Infinity` for all). */
  times?: number
  /** Wait this long before the request reaches the store. */
  delayMs?: number
  /** Fail with this error (default: none, so a rule with only `delayMs` just stalls). */
  error?: () => Error
  /** Perform the request, then fail as if the answer was lost (default false: fail before). */
  afterRequest?: boolean
  /**
   * With `afterRequest`: the caller learns of the lost answer this many milliseconds after the
   * request was performed (a timeout), while others may already build on what it wrote.
   */
  noticedAfterMs?: number
  /**
   * A timeout whose request is still on its way: the caller gets `error` at once, and the request
   * reaches the store this many milliseconds later (its own answer is dropped). Needs `error`.
   */
  lateMs?: number
}

/** Options for {@link instrumentStore}. */
export interface InstrumentOptions {
  /** Latency added to every request, in milliseconds, or per operation. */
  latencyMs?: number | ((op: StoreOp, key: string) => number)
  /** Keep a log of every request (`log()`), default false. */
  record?: boolean
}

/** A store wrapper that counts requests and can add latency and inject faults. */
export interface InstrumentedStore extends ObjectStore {
  readonly inner: ObjectStore
  /** Requests since creation or the last `reset()`. */
  counts(): RequestCounts
  /** Zeroes the counts (and the log). */
  reset(): void
  /** Adds a fault rule; returns a function that removes it. */
  injectFault(rule: FaultRule): () => void
  clearFaults(): void
  /** The recorded requests (when created with `record: true`). */
  log(): readonly { op: StoreOp; key: string }[]
  /** Changes the injected latency. */
  setLatency(latencyMs: InstrumentOptions['latencyMs']): void
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))
const zero = (): RequestCounts => ({ get: 0, put: 0, delete: 0, deleteMany: 0, list: 0, total: 0 })

/** A simulated crash or lost request, as thrown by injected faults by default. */
export class InjectedFault extends Error {
  constructor(op: StoreOp, key: string) {
    super(`injected fault on ${op} ${JSON.stringify(key)}`)
    this.name = 'InjectedFault'
  }
}

/**
 * Wraps a store to count requests per operation, add latency and inject faults; used by tests to
 * check request budgets and crash safety, and by benchmarks.
 * @example
 * const store = instrumentStore(memoryStore(), { latencyMs: 20 })
 * await repo.get(id)
 * expect(store.counts().get).toBe(1)
 */
export const instrumentStore = (inner: ObjectStore, options: InstrumentOptions = {}): InstrumentedStore => {
  let counts = zero()
  let entries: { op: StoreOp; key: string }[] = []
  let latency = options.latencyMs
  const rules = new Set<FaultRule & { seen: number; hit: number }>()

  const matches = (rule: FaultRule, op: StoreOp, keys: readonly string[]) => {
    if (rule.op !== undefined && (typeof rule.op === 'string' ? rule.op !== op : !rule.op.includes(op))) return false
    const test = rule.key
    if (test === undefined) return true
    return keys.some((k) => (typeof test === 'string' ? k === test : test instanceof RegExp ? test.test(k) : test(k)))
  }

  async function around<T>(op: StoreOp, keys: readonly string[], run: () => Promise<T>): Promise<T> {
    counts[op]++
    counts.total++
    if (options.record) entries.push({ op, key: keys[0] ?? '' })
    const delay = typeof latency === 'function' ? latency(op, keys[0] ?? '') : (latency ?? 0)
    let failAfter: (() => Error) | undefined
    let noticed = 0
    let late: { ms: number; error: () => Error } | undefined
    let stall = 0
    for (const rule of rules) {
      if (!matches(rule, op, keys)) continue
      rule.seen++
      if (rule.seen <= (rule.skip ?? 0)) continue
      if (rule.hit >= (rule.times ?? 1)) continue
      rule.hit++
      stall += rule.delayMs ?? 0
      if (rule.error) {
        const error = rule.error
        if (rule.lateMs !== undefined) late = { ms: rule.lateMs, error }
        else if (rule.afterRequest) {
          failAfter = error
          noticed = Math.max(noticed, rule.noticedAfterMs ?? 0)
        } else {
          if (delay + stall > 0) await sleep(delay + stall)
          throw error()
        }
      }
    }
    if (late) {
      const { ms, error } = late
      void sleep(ms)
        .then(run)
        .catch(() => undefined)
      if (delay + stall > 0) await sleep(delay + stall)
      throw error()
    }
    if (delay + stall > 0) await sleep(delay + stall)
    const result = await run()
    if (failAfter) {
      if (noticed > 0) await sleep(noticed)
      throw failAfter()
    }
    return result
  }

  function get(key: string): Promise<StoredObject | null>
  function get(key: string, opts: GetOptions): Promise<StoredObject | NotModified | null>
  function get(key: string, opts?: GetOptions): Promise<StoredObject | NotModified | null> {
    return around('get', [key], () => inner.get(key, opts ?? {}))
  }

  return {
    name: inner.name,
    capabilities: inner.capabilities,
    inner,
    get,
    put: (key, body, opts) => around('put', [key], () => inner.put(key, body, opts)),
    delete: (key, opts) => around('delete', [key], () => inner.delete(key, opts)),
    deleteMany: (keys) => around('deleteMany', keys, () => inner.deleteMany(keys)),
    list: (prefix, opts) => around('list', [prefix], () => inner.list(prefix, opts)),
    counts: () => ({ ...counts }),
    reset: () => {
      counts = zero()
      entries = []
    },
    injectFault(rule) {
      const live = { ...rule, seen: 0, hit: 0 }
      rules.add(live)
      return () => rules.delete(live)
    },
    clearFaults: () => rules.clear(),
    log: () => [...entries],
    setLatency: (value) => {
      latency = value
    },
  }
}

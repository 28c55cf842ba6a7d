import { isS3verlessError, type ObjectStore } from '../../src/index.js'
import { type Client, client, invariantViolations, sleep, unavailable, type Violation } from './race-fixtures.js'

// The randomized concurrency checker of issue 8: a seeded schedule of concurrent writes, readers and
// repairs over a few records and values, with random latency, stalls past the lease and lost answers;
// after quiescence the invariants of race-fixtures.ts must hold.

/** A small seeded PRNG (mulberry32): the same seed gives the same schedule. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const SKUS = ['A', 'B', 'C'] as const
const CATEGORIES = ['x', 'y'] as const
const PRICES = [1, 2] as const

type Input = { name: string; sku: string; category: string; price: number }
type Patch = Partial<Input>

/** One operation of a schedule; `target` picks a known record (initial or created so far) when it runs. */
type Op =
  | { kind: 'create'; input: Input }
  | { kind: 'update'; target: number; patch: Patch }
  | { kind: 'updateFn'; target: number; change: 'flipCategory' | 'bumpStock' | { sku: string } }
  | { kind: 'delete'; target: number }
  | { kind: 'createMany'; inputs: Input[] }
  | { kind: 'findAllBy'; field: 'category' | 'price'; value: string | number }
  | { kind: 'findBy'; sku: string }
  | { kind: 'verifyRepair' }

type Timed = Op & { at: number; client: number }

/** How a schedule stresses the store. */
export interface ScheduleOptions {
  seed: number
  /** A store for this schedule alone, or a shared bucket with `basePath` as its own namespace. */
  store: ObjectStore
  basePath?: string
  leaseMs: number
  /** Per-request latency, uniformly 0–max ms. */
  maxLatencyMs: number
  /** Chance that a request stalls instead, for `stallMs` (make it longer than the lease). */
  stallChance: number
  stallMs: readonly [number, number]
  /** Chance that a request is performed but its answer lost (`store.unavailable`). */
  lostAnswerChance: number
  /** Chance that a request fails before reaching the store. */
  failChance: number
  /** Operations per schedule (default 4–8). */
  ops?: readonly [number, number]
  /** Keep a trace of the schedule for the report (default false). */
  trace?: boolean
}

/** What one schedule did and broke. */
export interface ScheduleOutcome {
  seed: number
  schedule: string[]
  violations: (Violation | { invariant: 'unexpectedError'; detail: string })[]
  /** With `trace`: every request the store performed and every operation's end, in order (ids shortened). */
  trace?: string[]
}

const pick = <T>(rng: () => number, items: readonly T[]): T => items[Math.floor(rng() * items.length)] as T
const between = (rng: () => number, [lo, hi]: readonly [number, number]) => lo + Math.floor(rng() * (hi - lo + 1))
const input = (rng: () => number, sku = pick(rng, SKUS)): Input => ({
  name: `n${Math.floor(rng() * 100)}`,
  sku,
  category: pick(rng, CATEGORIES),
  price: pick(rng, PRICES),
})

function randomPatch(rng: () => number): Patch {
  const patch: Patch = {}
  if (rng() < 0.5) patch.sku = pick(rng, SKUS)
  if (rng() < 0.5) patch.category = pick(rng, CATEGORIES)
  if (rng() < 0.3) patch.price = pick(rng, PRICES)
  if (Object.keys(patch).length === 0) patch.name = `n${Math.floor(rng() * 100)}`
  return patch
}

function randomOp(rng: () => number, targets: number): Op {
  const target = Math.floor(rng() * targets)
  const roll = rng() * 13
  if (roll < 2) return { kind: 'create', input: input(rng) }
  if (roll < 6) return { kind: 'update', target, patch: randomPatch(rng) }
  if (roll < 8) {
    const r = rng()
    return { kind: 'updateFn', target, change: r < 0.5 ? 'flipCategory' : r < 0.8 ? { sku: pick(rng, SKUS) } : 'bumpStock' }
  }
  if (roll < 9) return { kind: 'delete', target }
  if (roll < 10) {
    const [first, second] = [...SKUS].sort(() => rng() - 0.5)
    return { kind: 'createMany', inputs: [input(rng, first), input(rng, second)] }
  }
  if (roll < 11) {
    const field = rng() < 0.7 ? 'category' : 'price'
    return { kind: 'findAllBy', field, value: field === 'category' ? pick(rng, CATEGORIES) : pick(rng, PRICES) }
  }
  if (roll < 12) return { kind: 'findBy', sku: pick(rng, SKUS) }
  return { kind: 'verifyRepair' }
}

/** Replaces each UUID by #n (n in order of first appearance) and drops the base path, for readable traces. */
function shortenIds(lines: string[]): string[] {
  const ids = new Map<string, string>()
  const short = (id: string) => {
    if (!ids.has(id)) ids.set(id, `#${ids.size}`)
    return ids.get(id) as string
  }
  return lines.map((l) =>
    l.replaceAll(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, short).replaceAll('s3verless-data/', ''),
  )
}

const describeOp = (op: Timed) => {
  const { at, client: c, kind, ...args } = op
  return `@${at}ms client${c} ${kind} ${JSON.stringify(args)}`
}

/** The errors the API documents for these operations under concurrency and store faults. */
const tolerated = (e: unknown) =>
  isS3verlessError(e) &&
  (['model.unique', 'model.conflict', 'model.notFound', 'model.batchIncomplete'].includes(e.code) || e.code.startsWith('store.'))

/** Puts random latency, stalls, lost answers and failed requests on a client's requests. */
function disturb(c: Client, rng: () => number, o: ScheduleOptions) {
  const [stallLo, stallHi] = o.stallMs
  c.store.setLatency(() => (rng() < o.stallChance ? stallLo + rng() * (stallHi - stallLo) : rng() * o.maxLatencyMs))
  const always = Number.POSITIVE_INFINITY
  c.store.injectFault({ key: () => rng() < o.failChance, error: () => unavailable('injected: request failed'), times: always })
  c.store.injectFault({ key: () => rng() < o.lostAnswerChance, afterRequest: true, error: () => unavailable(), times: always })
}

/**
 * Runs one random schedule: 2–3 records, then 4–8 concurrent operations from two clients (random
 * start within one lease); once all have settled, faults and latency are cleared and the checker
 * waits past the longest stall and the lease, then checks the invariants (before any repair but
 * those the schedule itself ran).
 */
export async function runSchedule(o: ScheduleOptions): Promise<ScheduleOutcome> {
  const rng = mulberry32(o.seed)
  const chaos = mulberry32(o.seed ^ 0x5bd1e995) // consumed per request, so timing does not shift the schedule
  const opts = { leaseMs: o.leaseMs, ...(o.basePath !== undefined ? { basePath: o.basePath } : {}) }
  const trace: string[] = []
  const started = performance.now()
  const note = (line: string) => o.trace && trace.push(`${Math.round(performance.now() - started)}ms ${line}`)
  const clients = [0, 1].map((i) => client(o.store, { ...opts, trace: (op, key) => note(`client${i} ${op} ${key}`) }))
  const [first] = clients as [Client, Client]

  const initial = between(rng, [2, 3])
  const known: string[] = []
  for (const sku of SKUS.slice(0, initial)) known.push((await first.products.create(input(rng, sku))).id)
  const count = between(rng, o.ops ?? [4, 8])
  const ops: Timed[] = Array.from({ length: count }, () => ({
    ...randomOp(rng, initial + 1),
    at: Math.floor(rng() * o.leaseMs),
    client: Math.floor(rng() * 2),
  })).sort((a, b) => a.at - b.at)
  note(`initial records ${known.join(', ')}`)

  const outcome: ScheduleOutcome = { seed: o.seed, schedule: ops.map(describeOp), violations: [] }
  const deleted = new Set<string>() // ids any delete was aimed at, whatever its outcome
  const acknowledged: string[] = [...known]
  for (const c of clients) disturb(c, chaos, o)

  const run = async (op: Timed) => {
    await sleep(op.at)
    const { products } = clients[op.client] as Client
    const target = 'target' in op ? (known[op.target % known.length] as string) : ''
    switch (op.kind) {
      case 'create':
        return void known.push((await products.create(op.input)).id)
      case 'createMany':
        return void known.push(...(await products.createMany(op.inputs)).map((r) => r.id))
      case 'update':
        return void (await products.update(target, op.patch))
      case 'updateFn': {
        const { change } = op
        return void (await products.update(target, (cur) =>
          change === 'flipCategory'
            ? { category: cur.category === 'x' ? 'y' : 'x' }
            : change === 'bumpStock'
              ? { stock: cur.stock + 1 }
              : change,
        ))
      }
      case 'delete':
        deleted.add(target)
        return void (await products.delete(target))
      case 'findAllBy':
        return void (await (op.field === 'category'
          ? products.findAllBy('category', String(op.value))
          : products.findAllBy('price', Number(op.value))))
      case 'findBy':
        return void (await products.findBy('sku', op.sku))
      case 'verifyRepair':
        return void (await products.verify({ repair: true }))
    }
  }
  await Promise.all(
    ops.map((op) =>
      run(op).then(
        () => note(`done ${describeOp(op)}`),
        (e: unknown) => {
          note(`failed ${describeOp(op)}: ${isS3verlessError(e) ? e.code : String(e)}`)
          if (!tolerated(e)) outcome.violations.push({ invariant: 'unexpectedError', detail: `${describeOp(op)}: ${String(e)}` })
        },
      ),
    ),
  )
  acknowledged.push(...known.slice(initial))

  for (const c of clients) {
    c.store.clearFaults()
    c.store.setLatency(0)
  }
  await sleep(o.stallMs[1] + o.leaseMs + 20)
  const { products } = client(o.store, opts)
  const mustExist = acknowledged.filter((id) => !deleted.has(id))
  outcome.violations.push(...(await invariantViolations(products, { mustExist })))
  if (o.trace && outcome.violations.length > 0) outcome.trace = shortenIds(trace)
  return outcome
}

/** Runs `runs` schedules (seeds `firstSeed`…), `parallel` at a time, and tallies what broke. */
export async function runSchedules(
  runs: number,
  parallel: number,
  schedule: (seed: number, index: number) => Promise<ScheduleOutcome>,
  firstSeed = 1,
) {
  const failed: ScheduleOutcome[] = []
  let next = 0
  const worker = async () => {
    while (next < runs) {
      const i = next++
      const outcome = await schedule(firstSeed + i, i)
      if (outcome.violations.length > 0) failed.push(outcome)
    }
  }
  await Promise.all(Array.from({ length: Math.min(parallel, runs) }, worker))
  failed.sort((a, b) => a.seed - b.seed)
  const byInvariant: Record<string, number> = {}
  for (const f of failed) {
    for (const invariant of new Set(f.violations.map((v) => v.invariant))) byInvariant[invariant] = (byInvariant[invariant] ?? 0) + 1
  }
  return { runs, failed, byInvariant }
}

/** A readable report of the failed schedules: counts per invariant, then the first few counterexamples. */
export function summarize(result: Awaited<ReturnType<typeof runSchedules>>, show = 3): string {
  const lines = [
    `${result.failed.length} of ${result.runs} schedules broke an invariant (schedules per invariant: ${JSON.stringify(result.byInvariant)})`,
  ]
  for (const f of result.failed.slice(0, show)) {
    lines.push(`seed ${f.seed} (replay: S3V_CHECKER_SEED=${f.seed} S3V_CHECKER_RUNS=1):`)
    lines.push(...f.schedule.map((s) => `  ${s}`))
    lines.push(...f.violations.map((v) => `  ✗ ${v.invariant}: ${v.detail}`))
    if (f.trace) lines.push('  trace:', ...f.trace.map((t) => `    ${t}`))
  }
  return lines.join('\n')
}

import { mulberry32 } from '@s3verless/testing/random'
import { isS3verlessError, type ObjectStore, outcomeOf, Unavailable } from '../../src/index.js'
import { type Ledger, type OpRecord, settleAndCheck } from './invariants.js'
import { between, CHOSEN_IDS, describeOp, type Op, randomOp, replacement, shortenIds, type Timed } from './schedule.js'
import { processStretch, yielding } from './stretch.js'
import { type Client, clientOf, legacyProducts } from './world.js'

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
  /** Chance that a request is performed but its answer lost (`store.unavailable`); the same chance again that the loss is noticed only `lateMs` later. */
  lostAnswerChance: number
  /** Chance that a request times out while still on its way: it reaches the store `lateMs` later. */
  lateChance: number
  lateMs: number
  /** Chance that a request fails before reaching the store. */
  failChance: number
  /** Operations per schedule (default 5–10). */
  ops?: readonly [number, number]
  /** Keep a trace of the schedule for the report (default false). */
  trace?: boolean
}

/**
 * The disturbances the memory-store checkers run with at lease `leaseMs`: 0–3 ms of latency, 2% of
 * requests stalled past the lease, 2% of answers lost, 1% of requests landing 20 ms after their
 * timeout (under half the lease: a request on its way must land before its entries could look
 * abandoned), 1% failed.
 */
export const memoryDisturbance = (leaseMs: number) =>
  ({
    maxLatencyMs: 3,
    stallChance: 0.02,
    stallMs: [leaseMs + 10, 2 * leaseMs],
    lostAnswerChance: 0.02,
    lateChance: 0.01,
    lateMs: 20,
    failChance: 0.01,
  }) satisfies Partial<ScheduleOptions>

/** A broken promise a user would notice. */
export interface Violation {
  invariant: string
  detail: string
}

/** What one schedule did and broke. */
export interface ScheduleOutcome {
  seed: number
  schedule: string[]
  violations: Violation[]
  /** What each operation reported, as `kind outcome[ code]` (for the statistics of a run). */
  reported: string[]
  trace?: string[]
  /** The worst timer lateness (ms) while its operations ran (see checker/stretch.ts). */
  stretchMs?: number
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))
const unavailable = (what: string) => new Unavailable('injected', undefined, { message: what })

/** The errors the API documents for these operations under concurrency and store faults. */
const DOCUMENTED = new Set([
  'model.unique',
  'model.conflict',
  'model.notFound',
  'model.restricted',
  'model.batchIncomplete',
  'model.deleteIncomplete',
])
const documented = (e: unknown) => isS3verlessError(e) && (DOCUMENTED.has(e.code) || e.code.startsWith('store.'))

/** Puts random latency, stalls, lost answers, late requests and failed requests on a client's requests. */
export function disturb(c: Pick<Client, 'store'>, chaos: () => number, o: ScheduleOptions) {
  const [stallLo, stallHi] = o.stallMs
  c.store.setLatency(() => (chaos() < o.stallChance ? stallLo + chaos() * (stallHi - stallLo) : chaos() * o.maxLatencyMs))
  const always = Number.POSITIVE_INFINITY
  c.store.injectFault({ key: () => chaos() < o.failChance, error: () => unavailable('injected: request failed'), times: always })
  c.store.injectFault({
    key: () => chaos() < o.lostAnswerChance,
    afterRequest: true,
    error: () => unavailable('injected: answer lost'),
    times: always,
  })
  // A lost answer noticed late (a timeout): others may build on the write before its writer looks.
  c.store.injectFault({
    key: () => chaos() < o.lostAnswerChance,
    afterRequest: true,
    noticedAfterMs: o.lateMs,
    error: () => unavailable('injected: timeout after the request landed'),
    times: always,
  })
  c.store.injectFault({ key: () => chaos() < o.lateChance, lateMs: o.lateMs, error: () => unavailable('injected: timeout'), times: always })
}

/**
 * Runs one random schedule: a few products (two written by version 1 of the model), a shelf tree,
 * then 5–10 concurrent operations from two clients (random start within one lease) under latency,
 * stalls past the lease, lost answers, late requests and failures. Once all have settled, faults are
 * cleared and the checker waits past the longest stall, late request and the lease; then
 * `settleAndCheck` finishes what may legitimately be unfinished and checks the invariants.
 */
export async function runSchedule(o: ScheduleOptions): Promise<ScheduleOutcome> {
  const rng = mulberry32(o.seed)
  const chaos = mulberry32(o.seed ^ 0x5bd1e995) // consumed per request, so timing does not shift the schedule
  const store = yielding(o.store)
  const opts = { leaseMs: o.leaseMs, ...(o.basePath !== undefined ? { basePath: o.basePath } : {}) }
  const trace: string[] = []
  const started = performance.now()
  const note = (line: string) => o.trace && trace.push(`${Math.round(performance.now() - started)}ms ${line}`)
  const clients = [0, 1].map((i) => clientOf(store, { ...opts, listen: (op, key) => note(`client${i} ${op} ${key}`) }))
  const [first] = clients as [Client, Client]

  // The world before the schedule: two products written by version 1, one by version 2, and a shelf tree.
  const legacy = legacyProducts(store, opts)
  const initialProducts = [
    (await legacy.create({ name: 'old-a', sku: 'a', category: 'x', price: 1 })).id,
    (await legacy.create({ name: 'old-b', sku: 'b', category: 'y', price: 2 })).id,
    (await first.products.create({ name: 'new-c', sku: 'C', category: 'X', price: 1 })).id,
  ]
  const shelves = [
    (await first.shelves.create({ name: 'S0' })).id, // never deleted: books, reviews and notes are only created or moved under S0/P0
    (await first.shelves.create({ name: 'S1' })).id,
    (await first.shelves.create({ name: 'S2' })).id,
  ]
  const permanentBook = (await first.books.create({ title: 'P0', shelfId: shelves[0] as string })).id
  const books = [
    (await first.books.create({ title: 'B1', shelfId: shelves[1] as string })).id,
    (await first.books.create({ title: 'B2', shelfId: shelves[1] as string })).id,
    (await first.books.create({ title: 'B3', shelfId: shelves[2] as string })).id,
  ]
  const reviews: string[] = []
  for (const book of books) if (rng() < 0.35) reviews.push((await first.reviews.create({ text: 'r', bookId: book })).id)
  const notes = [
    (await first.notes.create({ text: 'N1', shelfId: shelves[1] as string })).id,
    (await first.notes.create({ text: 'N2', shelfId: shelves[2] as string })).id,
    (await first.notes.create({ text: 'N3', shelfId: shelves[0] as string })).id,
  ]

  const count = between(rng, o.ops ?? [5, 10])
  const hot = rng() < 0.3 // a third of the schedules hammer one record
  const ops: Timed[] = Array.from({ length: count }, (_, n) => {
    const tag = `t${o.seed}-${n}`
    return { ...randomOp(rng, initialProducts.length, tag, hot), at: Math.floor(rng() * o.leaseMs), client: Math.floor(rng() * 2), n, tag }
  }).sort((a, b) => a.at - b.at)
  const ledger: Ledger = {
    initialProducts,
    products: [...initialProducts],
    shelves,
    permanentBook,
    books,
    reviews,
    notes,
    createdBooks: [],
    createdReviews: [],
    createdNotes: [],
    ops: [],
  }
  const outcome: ScheduleOutcome = { seed: o.seed, schedule: ops.map(describeOp), violations: [], reported: [] }
  for (const c of clients) disturb(c, chaos, o)
  const stretch = processStretch.open()

  const run = async (op: Timed) => {
    await sleep(op.at)
    const c = clients[op.client] as Client
    const record: OpRecord = { n: op.n, kind: op.kind, tag: op.tag, outcome: 'pending', ids: [] }
    ledger.ops.push(record)
    try {
      record.ids = await perform(c, op, ledger, record)
      record.outcome = 'ok'
      note(`done ${describeOp(op)}`)
    } catch (e) {
      record.outcome = outcomeOf(e)
      record.code = isS3verlessError(e) ? e.code : String(e)
      if (isS3verlessError(e) && Array.isArray(e.details.kept)) record.ids = e.details.kept as string[]
      note(`failed ${describeOp(op)}: ${record.code} (${record.outcome})`)
      if (!documented(e)) outcome.violations.push({ invariant: 'unexpectedError', detail: `${describeOp(op)}: ${String(e)}` })
    }
  }
  await Promise.all(ops.map(run))
  outcome.stretchMs = stretch()
  outcome.reported = ledger.ops.map((r) => `${r.kind} ${r.outcome}${r.code ? ` ${r.code}` : ''}`)

  for (const c of clients) {
    c.store.clearFaults()
    c.store.setLatency(0)
  }
  await sleep(Math.max(o.stallMs[1], o.lateMs) + o.leaseMs + 20)
  const clean = clientOf(store, opts)
  outcome.violations.push(...(await settleAndCheck(clean, ledger)))
  if (o.trace && outcome.violations.length > 0) outcome.trace = shortenIds(trace)
  return outcome
}

/** Performs one operation; returns the ids it concerns (records it created, or its target). */
async function perform(c: Client, op: Timed & Op, ledger: Ledger, record: OpRecord): Promise<string[]> {
  const target = 'target' in op ? (ledger.products[op.target % ledger.products.length] as string) : ''
  const targeted = (ids: string[]) => {
    record.ids = ids // the target is known even if the call fails
    return ids
  }
  switch (op.kind) {
    case 'create': {
      const created = await c.products.create(op.input)
      ledger.products.push(created.id)
      return [created.id]
    }
    case 'createChosen':
      targeted([CHOSEN_IDS[op.which] as string])
      return [(await c.products.create({ ...op.input, id: CHOSEN_IDS[op.which] as string })).id]
    case 'createMany': {
      const created = await c.products.createMany(op.inputs)
      ledger.products.push(...created.map((r) => r.id))
      return created.map((r) => r.id)
    }
    case 'update':
      targeted([target])
      await c.products.update(target, op.patch)
      return [target]
    case 'updateIfMatch': {
      targeted([target])
      const current = await c.products.getOrThrow(target)
      await c.products.update(target, op.patch, { ifMatch: current.$etag })
      return [target]
    }
    case 'increment':
      targeted([target])
      await c.products.update(target, (cur) => ({ stock: cur.stock + 1, name: op.tag }))
      return [target]
    case 'updateFn': {
      targeted([target])
      const change = op.change
      await c.products.update(target, (cur) =>
        change === 'flipCategory' ? { category: cur.category === 'X' ? 'Y' : 'X', name: op.tag } : { ...change, name: op.tag },
      )
      return [target]
    }
    case 'replace': {
      targeted([target])
      const current = await c.products.getOrThrow(target)
      await c.products.replace(target, replacement(current, op.tag, op.sku), { ifMatch: current.$etag })
      return [target]
    }
    case 'touch':
      targeted([target])
      await c.products.update(target, { name: op.tag })
      return [target]
    case 'delete':
      targeted([target])
      await c.products.delete(target)
      return [target]
    case 'deleteChosen':
      targeted([CHOSEN_IDS[op.which] as string])
      await c.products.delete(CHOSEN_IDS[op.which] as string)
      return [CHOSEN_IDS[op.which] as string]
    case 'findAllBy':
      await c.products.findAllBy('category', op.value)
      return []
    case 'findBy':
      await c.products.findBy('sku', op.sku)
      return []
    case 'verifyRepair':
      await c.products.verify({ repair: true })
      return []
    case 'deleteShelf': {
      const shelf = ledger.shelves[op.which] as string
      targeted([shelf])
      await c.shelves.delete(shelf)
      return [shelf]
    }
    case 'deleteBook': {
      const book = ledger.books[op.which] as string
      targeted([book])
      await c.books.delete(book)
      return [book]
    }
    case 'deleteReview': {
      const all = [...ledger.reviews, ...ledger.createdReviews]
      if (all.length === 0) return []
      const review = all[op.which % all.length] as string
      targeted([review])
      await c.reviews.delete(review)
      return [review]
    }
    case 'moveBook': {
      const book = ledger.books[op.which] as string
      targeted([book])
      await c.books.update(book, { shelfId: ledger.shelves[0] as string, title: op.tag })
      return [book]
    }
    case 'moveNote': {
      const noteId = ledger.notes[op.which] as string
      targeted([noteId])
      await c.notes.update(noteId, { shelfId: ledger.shelves[0] as string, text: op.tag })
      return [noteId]
    }
    case 'createBook': {
      const book = await c.books.create({ title: op.tag, shelfId: ledger.shelves[0] as string })
      ledger.createdBooks.push(book.id)
      return [book.id]
    }
    case 'createReview': {
      const review = await c.reviews.create({ text: op.tag, bookId: ledger.permanentBook })
      ledger.createdReviews.push(review.id)
      return [review.id]
    }
    case 'createNote': {
      const created = await c.notes.create({ text: op.tag, shelfId: ledger.shelves[0] as string })
      ledger.createdNotes.push(created.id)
      return [created.id]
    }
    case 'verifyShelves':
      await c.shelves.verify({ repair: true })
      return []
  }
}

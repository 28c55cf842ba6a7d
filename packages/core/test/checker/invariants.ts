import { isS3verlessError, type Model, type Repository } from '../../src/index.js'
import type { Violation } from './run-schedule.js'
import { CHOSEN_IDS } from './schedule.js'
import type { Client } from './world.js'

/** What a call reported: success, a definite failure, or that it may have taken effect (in whole or part). */
export type Outcome = 'pending' | 'ok' | 'failed' | 'unknown' | 'partial'

/** One operation as it ran: its tag, what it reported, and the ids it created or aimed at. */
export interface OpRecord {
  n: number
  kind: string
  tag: string
  outcome: Outcome
  ids: string[]
  code?: string
}

/** The ids of the world and what every operation reported. */
export interface Ledger {
  initialProducts: string[]
  /** Initial products and those created so far (what `target` picks from). */
  products: string[]
  /** S0 (never deleted), S1, S2. */
  shelves: string[]
  /** A book on S0 that is never deleted: reviews are created on it. */
  permanentBook: string
  /** B1, B2 (on S1) and B3 (on S2): deleted, moved to S0, or cascaded. */
  books: string[]
  reviews: string[]
  /** N1 (on S1), N2 (on S2), N3 (on S0). */
  notes: string[]
  createdBooks: string[]
  createdReviews: string[]
  createdNotes: string[]
  ops: OpRecord[]
}

async function all<M extends Model>(repo: Repository<M>) {
  const out = []
  let marker: string | undefined
  do {
    const page = await repo.listByPrefix({ limit: 1000, ...(marker ? { marker } : {}) })
    out.push(...page.items)
    marker = page.nextMarker
  } while (marker)
  return out
}

/** Finishes a delete left unfinished (the record marked as being deleted), as the next delete of the id does. */
async function finishIfMarked<M extends Model>(repo: Repository<M>, id: string) {
  const raw = await repo.core.readAny(id)
  if (raw?.meta.cascade !== undefined) await repo.delete(id)
}

const opsOn = (ledger: Ledger, kinds: readonly string[], id: string) =>
  ledger.ops.filter((o) => kinds.includes(o.kind) && o.ids.includes(id))
/** Whether an operation of these kinds on `id` may have taken effect (anything but a definite failure). */
const mayHave = (ledger: Ledger, kinds: readonly string[], id: string) => opsOn(ledger, kinds, id).some((o) => o.outcome !== 'failed')
const PRODUCT_DELETES = ['delete', 'deleteChosen']

/**
 * After quiescence: finishes what the library itself would finish (deletes marked but not finished,
 * as the next delete of the id does; a backfill of records still at version 1, as
 * `runPending({ backfill })` does, through ordinary writes), then checks what a user relies on:
 * - every product is found by each of its index values and its unique value; no unique value is held
 *   twice or can be taken by a new record; `verify()` reports nothing missing or duplicated;
 * - every acknowledged create that no delete may have touched exists; `count()` equals the records;
 * - no stored value carries the tag of a call that reported a definite failure;
 * - each counter equals its acknowledged increments, plus at most those of unknown outcome;
 * - relations: no book on a missing shelf, no review on a missing book, no note on a missing shelf;
 *   whatever only definitely-failed deletes (restrict, conflicts) aimed at is still there; books and
 *   notes moved to S0 stay there.
 */
export async function settleAndCheck(c: Client, ledger: Ledger): Promise<Violation[]> {
  const v: Violation[] = []
  const add = (invariant: string, detail: string) => v.push({ invariant, detail })
  try {
    for (const id of ledger.shelves) await finishIfMarked(c.shelves, id)
    for (const id of ledger.books) await finishIfMarked(c.books, id)
    for (const p of await all(c.products)) {
      const raw = await c.products.core.readFresh(p.id)
      if (raw && (raw.meta.v ?? 1) < 2) await c.products.update(p.id, {})
    }
  } catch (error) {
    add('settleFailed', `finishing deletes or the backfill failed at quiescence: ${String(error)}`)
  }

  // Products: index and unique invariants.
  const report = await c.products.verify()
  if (report.missingIndexEntries.length > 0) add('verify.missingIndexEntries', report.missingIndexEntries.join(', '))
  for (const m of report.missingClaims) add('verify.missingClaims', `${m.field}=${String(m.value)} of ${m.id}`)
  for (const d of report.duplicates) add('verify.duplicates', `${d.field}=${String(d.value)} held by ${d.ids.join(', ')}`)
  if (report.corrupt.length > 0) add('verify.corrupt', report.corrupt.join(', '))
  const products = await all(c.products)
  const bySku = new Map<string, string[]>()
  for (const p of products) {
    bySku.set(p.sku, [...(bySku.get(p.sku) ?? []), p.id])
    if (!(await c.products.findAllBy('category', p.category)).some((f) => f.id === p.id))
      add('notFoundByIndex', `${p.id} (category=${p.category})`)
    if (!(await c.products.findAllBy('price', p.price)).some((f) => f.id === p.id)) add('notFoundByIndex', `${p.id} (price=${p.price})`)
    const holder = await c.products.findBy('sku', p.sku)
    if (holder?.id !== p.id) add('notFoundByUnique', `${p.id} (sku=${p.sku}): findBy gives ${holder?.id ?? 'null'}`)
  }
  for (const [sku, ids] of bySku) if (ids.length > 1) add('uniqueHeldTwice', `sku=${sku} held by ${ids.join(', ')}`)
  const stored = new Map(products.map((p) => [p.id, p]))
  const created = ledger.ops.filter((o) => (o.kind === 'create' || o.kind === 'createMany') && o.outcome === 'ok').flatMap((o) => o.ids)
  for (const id of [...ledger.initialProducts, ...created]) {
    if (!stored.has(id) && !mayHave(ledger, PRODUCT_DELETES, id))
      add('acknowledgedLost', `${id} was acknowledged and no delete may have removed it`)
  }
  for (const id of CHOSEN_IDS) {
    const ops = opsOn(ledger, ['createChosen', 'deleteChosen'], id)
    if (ops.length > 0 && ops.every((o) => o.kind === 'createChosen' && o.outcome === 'ok') && !stored.has(id))
      add('acknowledgedLost', `${id} (caller-chosen) was created and never deleted`)
  }

  // Counters: acknowledged ≤ stock ≤ acknowledged + unknown, for products no delete may have touched.
  for (const id of ledger.initialProducts) {
    const p = stored.get(id)
    if (!p || mayHave(ledger, PRODUCT_DELETES, id)) continue
    const increments = opsOn(ledger, ['increment'], id)
    const acked = increments.filter((o) => o.outcome === 'ok').length
    const unknown = increments.filter((o) => o.outcome === 'unknown' || o.outcome === 'partial').length
    if (p.stock < acked || p.stock > acked + unknown) add('counter', `${id}: stock ${p.stock}, acknowledged ${acked}, unknown ${unknown}`)
  }

  // No trace of a definitely failed call.
  const [shelves, books, reviews, notes] = await Promise.all([all(c.shelves), all(c.books), all(c.reviews), all(c.notes)])
  const values = new Set<string>([
    ...products.map((p) => p.name),
    ...books.map((b) => b.title),
    ...reviews.map((r) => r.text),
    ...notes.map((n) => n.text),
  ])
  for (const op of ledger.ops.filter((o) => o.outcome === 'failed')) {
    for (const tag of [op.tag, `${op.tag}.0`, `${op.tag}.1`])
      if (values.has(tag)) add('traceOfFailedWrite', `#${op.n} ${op.kind} (${op.code}) stored ${tag}`)
  }
  for (const [name, repo, listed] of [
    ['Product', c.products, products.length],
    ['Shelf', c.shelves, shelves.length],
    ['Book', c.books, books.length],
    ['Review', c.reviews, reviews.length],
    ['Note', c.notes, notes.length],
  ] as const) {
    const counted = await (repo as Repository<Model>).count()
    if (counted !== listed) add('count', `${name}: count() ${counted}, records ${listed}`)
  }

  // Relations.
  const shelfIds = new Set(shelves.map((s) => s.id))
  const bookIds = new Set(books.map((b) => b.id))
  for (const b of books) if (!shelfIds.has(b.shelfId)) add('orphan', `book ${b.id} (${b.title}) on missing shelf ${b.shelfId}`)
  for (const r of reviews) if (!bookIds.has(r.bookId)) add('orphan', `review ${r.id} on missing book ${r.bookId}`)
  for (const n of notes) if (n.shelfId !== null && !shelfIds.has(n.shelfId)) add('orphan', `note ${n.id} on missing shelf ${n.shelfId}`)
  for (const [i, id] of ledger.shelves.entries()) {
    const deleted = mayHave(ledger, ['deleteShelf'], id)
    if (!deleted && !shelfIds.has(id)) add('lostByFailedDelete', `shelf S${i} is gone, though every delete of it failed`)
    if (opsOn(ledger, ['deleteShelf'], id).some((o) => o.outcome === 'ok') && shelfIds.has(id)) add('deleteNotDone', `shelf S${i}`)
  }
  const originalShelf = [1, 1, 2]
  for (const [i, id] of ledger.books.entries()) {
    const moved = opsOn(ledger, ['moveBook'], id).some((o) => o.outcome === 'ok')
    const shelfGone = mayHave(ledger, ['deleteShelf'], ledger.shelves[originalShelf[i] as number] as string)
    if (!mayHave(ledger, ['deleteBook'], id) && (moved || !shelfGone) && !bookIds.has(id))
      add('lostByFailedDelete', `book B${i + 1} is gone, though no delete that may have landed could remove it`)
    if (moved && bookIds.has(id) && books.find((b) => b.id === id)?.shelfId !== ledger.shelves[0]) add('moveLost', `book B${i + 1}`)
  }
  if (!bookIds.has(ledger.permanentBook)) add('lostByFailedDelete', 'the permanent book P0 is gone')
  for (const id of [...ledger.reviews, ...ledger.createdReviews]) {
    if (!reviews.some((r) => r.id === id) && !mayHave(ledger, ['deleteReview'], id)) add('acknowledgedLost', `review ${id}`)
  }
  const noteById = new Map(notes.map((n) => [n.id, n]))
  for (const id of [...ledger.notes, ...ledger.createdNotes]) if (!noteById.has(id)) add('acknowledgedLost', `note ${id}`)
  for (const [i, id] of ledger.notes.entries()) {
    if (opsOn(ledger, ['moveNote'], id).some((o) => o.outcome === 'ok') && noteById.get(id)?.shelfId !== ledger.shelves[0])
      add('moveLost', `note N${i + 1} moved to S0 reads ${noteById.get(id)?.shelfId}`)
  }
  for (const id of ledger.createdBooks) if (!bookIds.has(id)) add('acknowledgedLost', `book ${id}`)

  // Unique values held cannot be taken (probing creates write, so they come last).
  for (const sku of bySku.keys()) {
    const probe = await c.products.create({ name: 'probe', sku, price: 0, category: 'probe' }).catch((e: unknown) => e)
    if (!isS3verlessError(probe, 'model.unique'))
      add('uniqueTakeable', `sku=${sku} is held, yet a new record ${isS3verlessError(probe) ? `failed with ${probe.code}` : 'took it'}`)
  }
  return v
}

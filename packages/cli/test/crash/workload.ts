import { type Database, isS3verlessError, outcomeOf } from '@s3verless/core'
import type { Rng } from '@s3verless/testing/random'
import { Account, Book, Counter, HANDLES, Shelf, TIERS } from './world.js'

// The random workload of the crash and fault suites: creates with colliding unique handles, patches,
// replaces (compare-and-swap) and deletes of accounts found by handle, functional increments of
// shared counters, and shelves with books deleted by cascade. Every call is written to a log before it
// starts and again when it answers, so a call cut off by a kill is known to be in doubt.

/** What a call reported; `inDoubt` (in the checker) is a call whose process died before it answered. */
export type Reported = 'ok' | 'failed' | 'unknown' | 'partial'

/** One line of a worker's log. `begin` is written before the call, `end` after its answer. */
export interface LogLine {
  /** The worker incarnation (`w2.5`: worker 2, fifth start) and the call's number in it. */
  w: string
  n: number
  phase: 'begin' | 'end'
  op: OpKind
  tag: string
  /** Date.now() when written (one machine: one clock for every worker). */
  t: number
  /** The records the call aims at (begin), or made or aimed at (end). */
  ids: string[]
  /** What the call writes: handle and tier of an account, the shelf of a book. */
  handle?: string
  tier?: string
  shelfId?: string
  outcome?: Reported
  code?: string
  error?: string
}

export type OpKind =
  | 'createAccount'
  | 'updateAccount'
  | 'replaceAccount'
  | 'deleteAccount'
  | 'increment'
  | 'createShelf'
  | 'createBook'
  | 'deleteShelf'

export type { Rng } from '@s3verless/testing/random'

const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)] as T

/** One sequential stream of calls. Its shelves are its own: no other lane adds books to them or deletes them. */
export interface Lane {
  worker: string
  next: () => number
  rng: Rng
  counters: readonly string[]
  shelves: string[]
  log: (line: LogLine) => void
}

/** The repositories a lane writes through. */
function repos(db: Database) {
  return { accounts: db.repository(Account), counters: db.repository(Counter), shelves: db.repository(Shelf), books: db.repository(Book) }
}

/** Runs one random call of the workload on `db`, logging it before and after. */
export async function runOne(db: Database, lane: Lane): Promise<void> {
  const r = repos(db)
  const { rng } = lane
  const n = lane.next()
  const tag = `${lane.worker}-${n}`
  const roll = rng() * 20
  let call: { op: OpKind; ids: string[]; extra?: Partial<LogLine>; run: () => Promise<string[]> }
  if (roll < 4) {
    const [handle, tier] = [pick(rng, HANDLES), pick(rng, TIERS)]
    call = { op: 'createAccount', ids: [], extra: { handle, tier }, run: async () => [(await r.accounts.create({ handle, tier, tag })).id] }
  } else if (roll < 10) {
    const current = await r.accounts.findBy('handle', pick(rng, HANDLES)).catch(() => null)
    if (!current) return
    const [handle, tier] = [pick(rng, HANDLES), pick(rng, TIERS)]
    if (roll < 6)
      call = {
        op: 'updateAccount',
        ids: [current.id],
        extra: { tier },
        run: async () => [(await r.accounts.update(current.id, { tier, tag })).id],
      }
    else if (roll < 8) {
      const run = async () => [(await r.accounts.replace(current.id, { handle, tier, tag }, { ifMatch: current.$etag })).id]
      call = { op: 'replaceAccount', ids: [current.id], extra: { handle, tier }, run }
    } else call = { op: 'deleteAccount', ids: [current.id], run: () => r.accounts.delete(current.id).then(() => [current.id]) }
  } else if (roll < 15) {
    const id = pick(rng, lane.counters)
    call = { op: 'increment', ids: [id], run: async () => [(await r.counters.update(id, (c) => ({ count: c.count + 1, tag }))).id] }
  } else if (roll < 17 || lane.shelves.length === 0) {
    call = {
      op: 'createShelf',
      ids: [],
      run: async () => {
        const shelf = await r.shelves.create({ name: tag, tag })
        lane.shelves.push(shelf.id)
        return [shelf.id]
      },
    }
  } else if (roll < 19.2) {
    const shelfId = pick(rng, lane.shelves)
    call = { op: 'createBook', ids: [], extra: { shelfId }, run: async () => [(await r.books.create({ title: tag, shelfId, tag })).id] }
  } else {
    const shelfId = lane.shelves.shift() as string
    call = { op: 'deleteShelf', ids: [shelfId], run: () => r.shelves.delete(shelfId).then(() => [shelfId]) }
  }
  const line = { w: lane.worker, n, op: call.op, tag, ...call.extra }
  lane.log({ ...line, phase: 'begin', t: Date.now(), ids: call.ids })
  try {
    const ids = await call.run()
    lane.log({ ...line, phase: 'end', t: Date.now(), ids, outcome: 'ok' })
  } catch (error) {
    const code = isS3verlessError(error) ? error.code : undefined
    const kept = isS3verlessError(error) && Array.isArray(error.details.kept) ? (error.details.kept as string[]) : []
    const end = { ...line, phase: 'end' as const, t: Date.now(), ids: [...call.ids, ...kept], outcome: outcomeOf(error) as Reported }
    lane.log({ ...end, ...(code ? { code } : {}), error: String(error).slice(0, 300) })
  }
}

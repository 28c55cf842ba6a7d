import { type Database, isS3verlessError, type Model } from '@s3verless/core'
import type { LogLine, OpKind, Reported } from './workload.js'
import { Account, Book, Counter, HANDLES, Shelf, TIERS } from './world.js'

/** A broken promise a user would notice. */
export interface Violation {
  invariant: string
  detail: string
}

/** One call as the logs tell it: `inDoubt` when its process died before it answered. */
export interface Call {
  begin: LogLine
  end?: LogLine
  outcome: Reported | 'inDoubt'
  ids: string[]
}

/** What the logs add up to, for the report. */
export interface Tally {
  calls: number
  acknowledged: number
  failed: number
  unknown: number
  partial: number
  inDoubt: number
  byCode: Record<string, number>
}

/** Pairs each call's `begin` and `end` lines. */
export function callsOf(lines: readonly LogLine[]): Call[] {
  const calls = new Map<string, Call>()
  for (const line of lines) {
    const key = `${line.w}:${line.n}`
    if (line.phase === 'begin') calls.set(key, { begin: line, outcome: 'inDoubt', ids: line.ids })
    else {
      const call = calls.get(key)
      if (!call) throw new Error(`log: an end without a begin (${key})`)
      call.end = line
      call.outcome = line.outcome as Reported
      call.ids = line.ids
    }
  }
  return [...calls.values()]
}

export function tally(calls: readonly Call[]): Tally {
  const t: Tally = { calls: calls.length, acknowledged: 0, failed: 0, unknown: 0, partial: 0, inDoubt: 0, byCode: {} }
  for (const c of calls) {
    if (c.outcome === 'ok') t.acknowledged++
    else t[c.outcome]++
    if (c.end?.code) t.byCode[`${c.outcome} ${c.end.code}`] = (t.byCode[`${c.outcome} ${c.end.code}`] ?? 0) + 1
  }
  return t
}

async function all<M extends Model>(db: Database, model: M) {
  const out = []
  for await (const record of db.repository(model).iterate()) out.push(record as unknown as Record<string, unknown> & { id: string })
  return out
}

const WRITES: readonly OpKind[] = ['createAccount', 'updateAccount', 'replaceAccount']
/** Whether a call may have taken effect (anything but a definite failure). */
const mayHave = (c: Call) => c.outcome !== 'failed'

/**
 * Checks what a user relies on after the workload (and a repair), against the logged calls:
 * - accounts: one record per handle, each found by its handle and its tier, no query answer naming a
 *   record that does not hold the value, `count()` equal to the records, held handles not takeable;
 * - no acknowledged write missing: acknowledged creates exist unless a delete may have removed them,
 *   an acknowledged delete stays done, and a record holds the values of a call that may have written
 *   them and that no acknowledged write began after;
 * - counters: acknowledged increments ≤ count ≤ acknowledged + unknown/partial/in-doubt ones;
 * - shelves and books: no book on a missing shelf, acknowledged creates kept unless a cascade may
 *   have removed them, acknowledged shelf deletes done;
 * - no stored value carries the tag of a call reported as a definite failure, and every failed call
 *   carried an error code.
 */
export async function checkInvariants(db: Database, calls: readonly Call[], counterIds: readonly string[]): Promise<Violation[]> {
  const v: Violation[] = []
  const add = (invariant: string, detail: string) => v.push({ invariant, detail })
  const accounts = db.repository(Account)

  for (const c of calls) {
    if (c.outcome !== 'ok' && c.outcome !== 'inDoubt' && !c.end?.code) add('noErrorCode', `${c.begin.tag} ${c.begin.op}: ${c.end?.error}`)
  }

  // Accounts: uniqueness, lookups, no stale answers.
  const stored = await all(db, Account)
  const byId = new Map(stored.map((a) => [a.id, a]))
  const byHandle = new Map<string, string[]>()
  for (const a of stored) byHandle.set(a.handle as string, [...(byHandle.get(a.handle as string) ?? []), a.id])
  for (const [handle, ids] of byHandle) if (ids.length > 1) add('uniqueHeldTwice', `handle=${handle} held by ${ids.join(', ')}`)
  for (const handle of HANDLES) {
    const found = await accounts.findBy('handle', handle)
    const holders = byHandle.get(handle) ?? []
    if (found ? !holders.includes(found.id) : holders.length > 0)
      add('findBy', `handle=${handle}: findBy gives ${found?.id ?? 'null'}, held by [${holders}]`)
  }
  for (const tier of TIERS) {
    const found = new Set((await accounts.findAllBy('tier', tier)).map((a) => a.id))
    const holders = stored.filter((a) => a.tier === tier).map((a) => a.id)
    for (const id of holders) if (!found.has(id)) add('notFoundByIndex', `${id} (tier=${tier})`)
    for (const id of found) if (!holders.includes(id)) add('staleAnswer', `findAllBy(tier=${tier}) gives ${id}, which does not hold it`)
  }

  // Accounts: acknowledged writes.
  const byTag = new Map(calls.map((c) => [c.begin.tag, c]))
  const onId = new Map<string, Call[]>()
  for (const c of calls.filter((c) => c.begin.op.endsWith('Account'))) for (const id of c.ids) onId.set(id, [...(onId.get(id) ?? []), c])
  for (const [id, ops] of onId) {
    const deletes = ops.filter((c) => c.begin.op === 'deleteAccount')
    if (byId.has(id) && deletes.some((c) => c.outcome === 'ok')) add('deleteUndone', `account ${id} exists after an acknowledged delete`)
    if (!byId.has(id) && ops.some((c) => c.begin.op === 'createAccount' && c.outcome === 'ok') && !deletes.some(mayHave))
      add('acknowledgedLost', `account ${id}`)
    if (!byId.has(id) && deletes.length > 0 && !deletes.some(mayHave))
      add('lostByFailedDelete', `account ${id} is gone, though every delete of it failed (${deletes.map((d) => d.end?.code)})`)
  }
  for (const record of stored) {
    const writer = byTag.get(record.tag as string)
    if (!writer || !WRITES.includes(writer.begin.op) || (writer.ids.length > 0 && !writer.ids.includes(record.id))) {
      add('unexplainedValue', `account ${record.id} holds tag ${String(record.tag)}, written by no logged call on it`)
      continue
    }
    if (!mayHave(writer))
      add('traceOfFailedWrite', `account ${record.id} holds ${writer.begin.tag} (${writer.begin.op}, ${writer.end?.code})`)
    if (writer.begin.tier !== record.tier || (writer.begin.handle !== undefined && writer.begin.handle !== record.handle))
      add('wrongValue', `account ${record.id}: ${JSON.stringify(record)} is not what ${writer.begin.tag} wrote`)
    const end = writer.outcome === 'ok' ? writer.end?.t : undefined
    const later = (onId.get(record.id) ?? []).find(
      (c) => c.outcome === 'ok' && WRITES.includes(c.begin.op) && end !== undefined && c.begin.t > end,
    )
    if (later)
      add('acknowledgedOverwritten', `account ${record.id} holds ${writer.begin.tag}, yet ${later.begin.tag} was acknowledged after it`)
  }

  // Counters.
  const counters = new Map((await all(db, Counter)).map((c) => [c.id, c]))
  for (const id of counterIds) {
    const incs = calls.filter((c) => c.begin.op === 'increment' && c.ids.includes(id))
    const acked = incs.filter((c) => c.outcome === 'ok').length
    const maybe = incs.filter((c) => c.outcome !== 'ok' && mayHave(c)).length
    const count = counters.get(id)?.count as number | undefined
    if (count === undefined || count < acked || count > acked + maybe)
      add('counter', `${id}: count ${count}, acknowledged ${acked}, unknown ${maybe}`)
  }

  // Shelves and books.
  const shelves = new Set((await all(db, Shelf)).map((s) => s.id))
  const books = await all(db, Book)
  const bookIds = new Set(books.map((b) => b.id))
  for (const b of books) if (!shelves.has(b.shelfId as string)) add('orphan', `book ${b.id} on missing shelf ${String(b.shelfId)}`)
  const shelfDeletes = calls.filter((c) => c.begin.op === 'deleteShelf')
  for (const c of calls) {
    if (c.outcome !== 'ok') continue
    const id = c.ids[0] as string
    if (c.begin.op === 'createShelf' && !shelves.has(id) && !shelfDeletes.some((d) => d.ids.includes(id) && mayHave(d)))
      add('acknowledgedLost', `shelf ${id}`)
    if (
      c.begin.op === 'createBook' &&
      !bookIds.has(id) &&
      !shelfDeletes.some((d) => d.ids.includes(c.begin.shelfId as string) && mayHave(d))
    )
      add('acknowledgedLost', `book ${id}`)
    if (c.begin.op === 'deleteShelf' && shelves.has(id)) add('deleteUndone', `shelf ${id}`)
  }

  // No trace of a call reported as a definite failure.
  const tags = new Set([...stored, ...(await all(db, Shelf)), ...books, ...counters.values()].map((r) => r.tag as string))
  for (const c of calls)
    if (c.outcome === 'failed' && tags.has(c.begin.tag)) add('traceOfFailedWrite', `${c.begin.tag} ${c.begin.op} (${c.end?.code})`)
  for (const c of shelfDeletes.filter((d) => d.outcome === 'failed')) {
    const id = c.ids[0] as string
    if (!shelves.has(id) && !shelfDeletes.some((d) => d !== c && d.ids.includes(id) && mayHave(d))) add('lostByFailedDelete', `shelf ${id}`)
  }

  for (const [model, n] of [
    [Account, stored.length],
    [Shelf, shelves.size],
    [Book, books.length],
  ] as const) {
    const counted = await db.repository(model as Model).count()
    if (counted !== n) add('count', `${model.name}: count() ${counted}, records ${n}`)
  }
  // Held handles cannot be taken (probing creates write, so they come last).
  for (const handle of byHandle.keys()) {
    const probe = await accounts.create({ handle, tier: 'gold', tag: 'probe' }).catch((e: unknown) => e)
    if (!isS3verlessError(probe, 'model.unique'))
      add('uniqueTakeable', `handle=${handle}: ${isS3verlessError(probe) ? probe.code : 'taken'}`)
  }
  return v
}

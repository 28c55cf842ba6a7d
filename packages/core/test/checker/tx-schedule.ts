import { mulberry32 } from '@s3verless/testing/random'
import * as z from 'zod'
import {
  createDatabase,
  type Database,
  defineModel,
  InjectedFault,
  instrumentStore,
  isS3verlessError,
  type ObjectStore,
  outcomeOf,
  transaction,
} from '../../src/index.js'
import { tapped } from '../repository/race-fixtures.js'
import { disturb, type ScheduleOptions, type ScheduleOutcome, type Violation } from './run-schedule.js'
import { between, pick, type Rng, shortenIds } from './schedule.js'
import { processStretch, yielding } from './stretch.js'

// The randomized checker of issue 23: concurrent transactions and single writes over five bank
// accounts and pairs of orders, each operation run by its own client (process), which may die at
// any of its requests, under the latency, stalls, lost answers, late and failed requests of the
// write-protocol checker (`disturb`). After quiescence: atomicity (transfers keep the total, pairs
// of orders are seen whole or not at all by gets, index lookups and counts), no acknowledged write
// lost, no definite failure visible, uniqueness of owners, no account negative.

export const Account = defineModel(z.object({ owner: z.string(), branch: z.string(), balance: z.number().int() }), {
  name: 'Account',
  unique: ['owner'],
  indexed: ['branch'],
})
export const Order = defineModel(z.object({ pair: z.string(), side: z.number().int() }), { name: 'Order', indexed: ['pair'] })

const ACCOUNTS = 5
const START = 20
const BRANCHES = ['north', 'south'] as const

type TxOp =
  | { kind: 'transfer'; from: number; to: number; amount: number; branch?: string }
  | { kind: 'rename'; which: number }
  | { kind: 'moveBranch'; which: number; branch: string }
  | { kind: 'openPair' }
  | { kind: 'closePair' }
  | { kind: 'read' }
type Timed = TxOp & { at: number; n: number; tag: string; crashAt: number | undefined }

function randomOp(rng: Rng): TxOp {
  const roll = rng() * 10
  const from = Math.floor(rng() * ACCOUNTS)
  const to = (from + 1 + Math.floor(rng() * (ACCOUNTS - 1))) % ACCOUNTS
  if (roll < 4)
    return { kind: 'transfer', from, to, amount: between(rng, [1, 30]), ...(rng() < 0.4 ? { branch: pick(rng, BRANCHES) } : {}) }
  if (roll < 5) return { kind: 'rename', which: from }
  if (roll < 6) return { kind: 'moveBranch', which: from, branch: pick(rng, BRANCHES) }
  if (roll < 7.5) return { kind: 'openPair' }
  if (roll < 8.5) return { kind: 'closePair' }
  return { kind: 'read' }
}

class Insufficient extends Error {}

interface Done {
  op: Timed
  outcome: 'ok' | 'failed' | 'unknown' | 'partial'
  code?: string
  /** Pairs opened or closed: the pair's tag. */
  pair?: string
  /** The orders a close deleted. */
  ids?: string[]
}

/** One schedule of 5–10 operations over accounts and order pairs. `crashChance`: an operation's client dies at a random request. */
export async function runTxSchedule(o: ScheduleOptions & { crashChance: number }): Promise<ScheduleOutcome> {
  const rng = mulberry32(o.seed)
  const chaos = mulberry32(o.seed ^ 0x2545f491)
  const shared = yielding(o.store)
  const trace: string[] = []
  const started = performance.now()
  const note = (line: string) => o.trace && trace.push(`${Math.round(performance.now() - started)}ms ${line}`)
  const base = { leaseMs: o.leaseMs, ...(o.basePath !== undefined ? { basePath: o.basePath } : {}) }
  const dbOf = (store: ObjectStore) => createDatabase({ store, models: [Account, Order], ...base })
  const setup = dbOf(shared)
  const accounts: string[] = []
  for (let i = 0; i < ACCOUNTS; i++) {
    accounts.push((await setup.repository(Account).create({ owner: `o${i}`, branch: BRANCHES[i % 2] as string, balance: START })).id)
  }
  const openPairs: string[] = [] // pairs acknowledged open (closePair picks among them and the unknown ones)
  const maybePairs: string[] = []
  const done: Done[] = []
  // Two pairs open before the schedule starts, so that closes run beside everything else (the
  // schedule's own opens start within a third of the lease of each other, too late for most closes).
  // (Through a database with a long lease: on a loaded machine the setup's intents could take over
  // half the checker's lease, and a transaction then gives up rather than commit late.)
  const patient = createDatabase({ store: shared, models: [Account, Order], ...base, leaseMs: 60_000 })
  for (const side of ['a', 'b']) {
    const tag = `p${o.seed}-${side}`
    await transaction(patient, async (tx) => {
      await tx.repository(Order).create({ pair: tag, side: 0 })
      await tx.repository(Order).create({ pair: tag, side: 1 })
    })
    openPairs.push(tag)
    done.push({ op: { kind: 'openPair', at: 0, n: -1, tag, crashAt: undefined }, outcome: 'ok', pair: tag })
  }
  const ops: Timed[] = Array.from({ length: between(rng, o.ops ?? [5, 10]) }, (_, n) => ({
    ...randomOp(rng),
    at: Math.floor(rng() * o.leaseMs * 0.3), // close together: transactions overlap each other and the single writes
    n,
    tag: `p${o.seed}-${n}`,
    crashAt: rng() < o.crashChance ? between(rng, [1, 14]) : undefined, // (a pair closed commits at its 10th request)
  })).sort((a, b) => a.at - b.at)
  const describe = (op: Timed) => {
    const { at, n, tag: _t, ...rest } = op
    return `#${n} @${at}ms ${JSON.stringify(rest)}`
  }
  const outcome: ScheduleOutcome = { seed: o.seed, schedule: ops.map(describe), violations: [], reported: [] }
  const stores: ReturnType<typeof instrumentStore>[] = []

  const perform = async (db: Database, op: Timed, record: Done): Promise<void> => {
    const acc = db.repository(Account)
    switch (op.kind) {
      case 'transfer':
        await transaction(
          db,
          async (tx) => {
            const a = tx.repository(Account)
            const from = await a.getOrThrow(accounts[op.from] as string)
            const to = await a.getOrThrow(accounts[op.to] as string)
            if (from.balance < op.amount) throw new Insufficient()
            await a.update(from.id, { balance: from.balance - op.amount })
            await a.update(to.id, { balance: to.balance + op.amount, ...(op.branch ? { branch: op.branch } : {}) })
          },
          { retries: 3 },
        )
        return
      case 'rename':
        await acc.update(accounts[op.which] as string, (cur) => ({ owner: `${cur.owner.split('.')[0]}.${op.tag}` }))
        return
      case 'moveBranch':
        await acc.update(accounts[op.which] as string, { branch: op.branch })
        return
      case 'openPair':
        record.pair = op.tag
        await transaction(db, async (tx) => {
          await tx.repository(Order).create({ pair: op.tag, side: 0 })
          await tx.repository(Order).create({ pair: op.tag, side: 1 })
        })
        return
      case 'closePair': {
        const pair = pick(rng, [...openPairs, ...maybePairs])
        if (pair === undefined) return
        record.pair = pair
        const found = await db.repository(Order).findAllBy('pair', pair)
        record.ids = found.map((f) => f.id)
        await transaction(db, async (tx) => {
          for (const order of found) await tx.repository(Order).delete(order.id)
        })
        return
      }
      case 'read':
        await Promise.all([acc.count(), acc.findAllBy('branch', 'north'), acc.get(accounts[0] as string), db.repository(Order).count()])
        return
    }
  }

  const run = async (op: Timed) => {
    await new Promise((r) => setTimeout(r, op.at))
    const store = instrumentStore(tapped(shared, (kind, key) => note(`#${op.n} ${kind} ${key}`)))
    stores.push(store)
    disturb({ store }, chaos, o)
    let died = false
    if (op.crashAt !== undefined) {
      const die = () => {
        died = true
        return new InjectedFault('put', 'the client died')
      }
      store.injectFault({ skip: op.crashAt, times: Number.POSITIVE_INFINITY, error: die })
    }
    const record: Done = { op, outcome: 'ok' }
    try {
      await perform(dbOf(store), op, record)
      note(`done #${op.n}`)
    } catch (e) {
      // A client that died reports nothing: what it did is unknown.
      record.outcome = died ? 'unknown' : e instanceof Insufficient ? 'failed' : outcomeOf(e)
      record.code = e instanceof Insufficient ? 'insufficient' : isS3verlessError(e) ? e.code : String(e)
      note(`failed #${op.n}: ${record.code} (${record.outcome})`)
      const expected =
        e instanceof Insufficient ||
        e instanceof InjectedFault ||
        (isS3verlessError(e) && /^(model\.(unique|conflict|notFound)|store\.)/.test(e.code))
      if (!expected) outcome.violations.push({ invariant: 'unexpectedError', detail: `${describe(op)}: ${String(e)}` })
    }
    if (record.pair !== undefined && op.kind === 'openPair')
      (record.outcome === 'ok' ? openPairs : record.outcome === 'failed' ? [] : maybePairs).push(record.pair)
    done.push(record)
  }
  const stretch = processStretch.open()
  await Promise.all(ops.map(run))
  outcome.stretchMs = stretch()
  outcome.reported = done.filter((d) => d.op.n >= 0).map((d) => `${d.op.kind} ${d.outcome}${d.code ? ` ${d.code}` : ''}`)
  for (const s of stores) {
    s.clearFaults()
    s.setLatency(0)
  }
  await new Promise((r) => setTimeout(r, Math.max(o.stallMs[1], o.lateMs) + o.leaseMs + 20))
  outcome.violations.push(...(await check(dbOf(shared), accounts, done)))
  if (o.trace && outcome.violations.length > 0) outcome.trace = shortenIds(trace)
  return outcome
}

/** The invariants after quiescence. */
async function check(db: Database, accounts: string[], done: Done[]): Promise<Violation[]> {
  const v: Violation[] = []
  const acc = db.repository(Account)
  const orders = db.repository(Order)
  // Counted before anything else reads a record: a committed transaction whose client died before
  // rolling it forward must be counted as committed by the count itself (compared with what the
  // lookups below find, once they have rolled everything forward).
  const [accountsFirst, ordersFirst] = [await acc.count(), await orders.count()]
  if (accountsFirst !== ACCOUNTS) v.push({ invariant: 'accountCount', detail: `first count() ${accountsFirst}` })
  // Atomicity and no lost acknowledged transfer: the balances are the start plus the acknowledged
  // transfers plus some subset of those of unknown outcome (failed ones: none of it).
  const balances = await Promise.all(accounts.map(async (id) => (await acc.get(id))?.balance))
  if (balances.some((b) => b === undefined)) v.push({ invariant: 'accountLost', detail: JSON.stringify(balances) })
  const total = balances.reduce((a: number, b) => a + (b ?? 0), 0)
  if (total !== ACCOUNTS * START) v.push({ invariant: 'totalChanged', detail: `total ${total}: ${JSON.stringify(balances)}` })
  if (balances.some((b) => (b ?? 0) < 0)) v.push({ invariant: 'negative', detail: JSON.stringify(balances) })
  const transfers = done.filter((d) => d.op.kind === 'transfer')
  const sure = transfers.filter((d) => d.outcome === 'ok')
  const maybe = transfers.filter((d) => d.outcome === 'unknown')
  const apply = (list: Done[]) => {
    const out = accounts.map(() => START)
    for (const d of list) {
      const op = d.op as Extract<TxOp, { kind: 'transfer' }>
      out[op.from] = (out[op.from] as number) - op.amount
      out[op.to] = (out[op.to] as number) + op.amount
    }
    return out
  }
  let explained = false
  for (let mask = 0; mask < 1 << maybe.length && !explained; mask++) {
    const chosen = [...sure, ...maybe.filter((_, i) => mask & (1 << i))]
    // (Order matters only through refusals for insufficient funds, which then failed: sums commute.)
    explained = JSON.stringify(apply(chosen)) === JSON.stringify(balances)
  }
  if (!explained)
    v.push({
      invariant: 'transfersNotExplained',
      detail: `balances ${JSON.stringify(balances)}; ok ${sure.map((d) => d.op.n)}, unknown ${maybe.map((d) => d.op.n)}`,
    })
  // Every account is found by its owner and its branch; no owner is held twice or can be taken.
  const records = await Promise.all(accounts.map((id) => acc.get(id)))
  const owners = new Set<string>()
  for (const r of records) {
    if (!r) continue
    if (owners.has(r.owner)) v.push({ invariant: 'uniqueHeldTwice', detail: r.owner })
    owners.add(r.owner)
    if ((await acc.findBy('owner', r.owner))?.id !== r.id) v.push({ invariant: 'notFoundByUnique', detail: `${r.id} owner ${r.owner}` })
    if (!(await acc.findAllBy('branch', r.branch)).some((f) => f.id === r.id))
      v.push({ invariant: 'notFoundByIndex', detail: `${r.id} branch ${r.branch}` })
  }
  const branchHits = (await acc.findAllBy('branch', 'north')).length + (await acc.findAllBy('branch', 'south')).length
  if (branchHits !== ACCOUNTS) v.push({ invariant: 'indexCount', detail: `${branchHits} accounts found by branch` })
  if ((await acc.count()) !== ACCOUNTS) v.push({ invariant: 'accountCount', detail: String(await acc.count()) })
  // Pairs of orders: whole or absent to index lookups and gets; an acknowledged open pair never closed is there; a failed one is not.
  const opened = done.filter((d) => d.op.kind === 'openPair')
  const closeTried = new Set(done.filter((d) => d.op.kind === 'closePair' && d.outcome !== 'failed').map((d) => d.pair))
  let visible = 0
  for (const d of opened) {
    const found = await orders.findAllBy('pair', d.pair as string)
    const got = await Promise.all(found.map((f) => orders.get(f.id)))
    if (found.length !== 0 && found.length !== 2) v.push({ invariant: 'pairTorn', detail: `${d.pair}: ${found.length} orders` })
    if (got.some((g) => g === null)) v.push({ invariant: 'pairTorn', detail: `${d.pair}: found by index, not by get` })
    if (d.outcome === 'ok' && !closeTried.has(d.pair) && found.length !== 2)
      v.push({ invariant: 'acknowledgedLost', detail: `pair ${d.pair}` })
    if (d.outcome === 'failed' && found.length !== 0) v.push({ invariant: 'failedVisible', detail: `pair ${d.pair}` })
    visible += found.length
  }
  const counted = await orders.count()
  if (counted !== visible) v.push({ invariant: 'orderCount', detail: `count() ${counted}, found ${visible}` })
  if (ordersFirst !== visible) v.push({ invariant: 'orderCount', detail: `first count() ${ordersFirst}, found ${visible}` })
  for (const d of done.filter((x) => x.op.kind === 'closePair' && x.outcome === 'ok')) {
    for (const id of d.ids ?? []) if ((await orders.get(id)) !== null) v.push({ invariant: 'closeLost', detail: `${d.pair}: ${id} left` })
  }
  for (const owner of owners) {
    const probe = await acc.create({ owner, branch: 'north', balance: 0 }).catch((e: unknown) => e)
    if (!isS3verlessError(probe, 'model.unique')) v.push({ invariant: 'uniqueTakeable', detail: owner })
  }
  return v
}

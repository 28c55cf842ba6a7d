import { type FaultRule, memoryStore, outcomeOf, Unavailable } from '../../src/index.js'
import type { Violation } from './run-schedule.js'
import { type Client, clientOf } from './world.js'

// The single-fault sweep of issue 17: each write kind runs once without faults to count its requests,
// then once per request and kind of fault, with exactly that request failing (before reaching the
// store), losing its answer (noticed at once or late) or timing out while still on its way (it lands
// later). Each run must report a true outcome and leave the store consistent.

export const LEASE = 40
const LATE = 15

/** The kinds of single fault. */
export const FAULTS: Record<string, () => Omit<FaultRule, 'skip' | 'times'>> = {
  'fails before reaching the store': () => ({
    error: () => new Unavailable('injected', undefined, { message: 'injected: request failed' }),
  }),
  'lands, answer lost': () => ({
    afterRequest: true,
    error: () => new Unavailable('injected', undefined, { message: 'injected: answer lost' }),
  }),
  'lands, answer lost and noticed late': () => ({
    afterRequest: true,
    noticedAfterMs: LATE,
    error: () => new Unavailable('injected', undefined, { message: 'injected: timeout' }),
  }),
  'times out, lands later': () => ({
    lateMs: LATE,
    error: () => new Unavailable('injected', undefined, { message: 'injected: timeout, still on its way' }),
  }),
}

/** One write kind: how to set the world up, the call, and what each reported outcome must leave behind. */
export interface Scenario {
  name: string
  /** Prepares the world (no faults) and returns the call to make. */
  prepare(c: Client): Promise<() => Promise<unknown>>
  /**
   * Checks the world after the call settled and the lease passed: `outcome` is what the call
   * reported. Returns what is wrong (empty when all is well).
   */
  check(c: Client, outcome: 'ok' | 'failed' | 'unknown' | 'partial'): Promise<string[]>
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** Runs `scenario` on a fresh store with `fault` aimed at request `k` (or none: `k` undefined); returns what broke. */
export async function runOnce(
  scenario: Scenario,
  conditionalDelete: boolean,
  k: number | undefined,
  fault: string | undefined,
): Promise<{ requests: number; outcome: string; violations: Violation[] }> {
  const shared = memoryStore({ conditionalDelete })
  const c = clientOf(shared, { leaseMs: LEASE })
  const call = await scenario.prepare(c)
  c.store.reset()
  if (k !== undefined && fault !== undefined) c.store.injectFault({ ...(FAULTS[fault] as () => FaultRule)(), skip: k, times: 1 })
  const reported = await call().then(
    () => 'ok' as const,
    (e: unknown) => outcomeOf(e),
  )
  const requests = c.store.counts().total
  c.store.clearFaults()
  await sleep(LEASE + 2 * LATE + 10)
  const clean = clientOf(shared, { leaseMs: LEASE })
  const violations = (await scenario.check(clean, reported)).map((detail) => ({ invariant: scenario.name, detail }))
  violations.push(...(await consistency(clean)))
  return { requests, outcome: reported, violations }
}

/** What every run must leave: every record findable by its index and unique values, nothing missing, count() right. */
async function consistency(c: Client): Promise<Violation[]> {
  const out: Violation[] = []
  const report = await c.products.verify()
  for (const k of report.missingIndexEntries) out.push({ invariant: 'verify.missingIndexEntries', detail: k })
  for (const m of report.missingClaims) out.push({ invariant: 'verify.missingClaims', detail: `${m.field}=${String(m.value)}` })
  for (const d of report.duplicates) out.push({ invariant: 'verify.duplicates', detail: `${d.field}=${String(d.value)}` })
  const products = (await c.products.listByPrefix({ limit: 1000 })).items
  for (const p of products) {
    if (((await c.products.core.readFresh(p.id))?.meta.v ?? 1) < 2) continue // not rewritten since version 1: found by its stored values only
    if (!(await c.products.findAllBy('category', p.category)).some((f) => f.id === p.id))
      out.push({ invariant: 'notFoundByIndex', detail: p.id })
    if ((await c.products.findBy('sku', p.sku))?.id !== p.id) out.push({ invariant: 'notFoundByUnique', detail: `${p.id} ${p.sku}` })
  }
  if ((await c.products.count()) !== products.length) out.push({ invariant: 'count', detail: 'products' })
  for (const repo of [c.shelves, c.books, c.notes]) {
    const listed = (await repo.listByPrefix({ limit: 1000 })).items.length
    if ((await repo.count()) !== listed) out.push({ invariant: 'count', detail: repo.model.name })
  }
  return out
}

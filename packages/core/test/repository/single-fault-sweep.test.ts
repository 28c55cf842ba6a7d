import { describe, expect, it } from 'vitest'
import { mapLimit } from '../../src/internal.js'
import { SCENARIOS } from '../checker/scenarios.js'
import { FAULTS, runOnce } from '../checker/single-fault.js'

// Issue 17's single-fault sweep: every write kind, on a store with conditional DELETE and on one
// without (like Ceph RGW), with one fault aimed at each of its requests in turn: the request fails
// before reaching the store, lands with its answer lost (noticed at once, or late), or times out while
// still on its way and lands later. Every run must report a true outcome (a definite failure leaves
// no trace; a success is stored) and leave every record findable, every unique value held once.

describe('single-fault sweep', () => {
  for (const conditionalDelete of [true, false]) {
    for (const scenario of SCENARIOS) {
      it(`${scenario.name} (${conditionalDelete ? 'conditional DELETE' : 'DELETE ignores If-Match'}): a fault at each request`, async () => {
        const clean = await runOnce(scenario, conditionalDelete, undefined, undefined)
        expect(clean.outcome, 'without faults').toBe(scenario.name.includes('taken') ? 'failed' : 'ok')
        expect(clean.violations).toEqual([])
        const runs = Object.keys(FAULTS).flatMap((fault) => Array.from({ length: clean.requests }, (_, k) => ({ fault, k })))
        const results = await mapLimit(runs, 12, async ({ fault, k }) => ({
          fault,
          k,
          ...(await runOnce(scenario, conditionalDelete, k, fault)),
        }))
        const broken = results
          .filter((r) => r.violations.length > 0)
          .map(
            (r) =>
              `request ${r.k + 1}/${clean.requests} ${r.fault} → ${r.outcome}: ${r.violations.map((v) => `${v.invariant}: ${v.detail}`).join('; ')}`,
          )
        expect(broken).toEqual([])
        // The sweep really disturbed the call: some runs failed or reported an unknown outcome.
        expect(results.some((r) => r.outcome !== 'ok')).toBe(true)
      }, 120_000)
    }
  }
})

import { describe, expect, it } from 'vitest'
import { memoryStore } from '../../src/index.js'
import { memoryDisturbance, runSchedule, type ScheduleOutcome } from './run-schedule.js'
import { type Attempt, expectNoViolations, runSchedules, stretchReport } from './runner.js'
import { stretchMonitor } from './stretch.js'

// The checkers' guard against timer stretch: a schedule whose timers ran late by a quarter of its
// lease ran with invalid settings and is run again, never judged; one that stayed punctual is judged.
// Stretch is made here on purpose by blocking the event loop, as a loaded machine does.

/** Blocks the event loop for `ms` (what a descheduled process or a busy neighbour does to timers). */
const block = (ms: number) => {
  const end = performance.now() + ms
  let spins = 0
  while (performance.now() < end) spins++
  return spins
}
const tick = (ms = 5) => new Promise<void>((resolve) => setTimeout(resolve, ms))
const outcome = (seed: number, invariants: string[] = []): ScheduleOutcome => ({
  seed,
  schedule: [],
  violations: invariants.map((invariant) => ({ invariant, detail: 'made up' })),
  reported: [],
})

describe('timer stretch guard', () => {
  it('measures how late timers ran while a window was open, and nothing after it closed', async () => {
    const monitor = stretchMonitor()
    const close = monitor.open()
    await tick(20)
    block(80)
    await tick(20)
    expect(close()).toBeGreaterThanOrEqual(60)
    const quiet = monitor.open()
    await tick(40)
    expect(quiet()).toBeLessThan(60)
  })

  it('re-runs a stretched schedule that broke an invariant with the same seed, and does not judge what it found', async () => {
    const calls: [number, Attempt][] = []
    const result = await runSchedules(
      3,
      1,
      async (seed, attempt) => {
        calls.push([seed, attempt])
        await tick()
        if (seed === 2 && attempt.n === 0) {
          block(60) // 60 ms late at a 120 ms lease: past a quarter of it
          return outcome(seed, ['indexMissing'])
        }
        return outcome(seed)
      },
      1,
      { leaseMs: 120, monitor: stretchMonitor() },
    )
    expect(result.failed).toEqual([])
    expect(result.stretched).toMatchObject([{ seed: 2, leaseMs: 120, violations: ['indexMissing'] }])
    expect(calls.filter(([seed]) => seed === 2).map(([, a]) => a)).toEqual([
      { n: 0, leaseMs: 120 },
      { n: 1, leaseMs: 120 },
    ])
    expect(stretchReport(result)).toMatch(
      /1 stretched run\(s\) with a violation not judged, 1 schedule\(s\) re-run; 0 never judged[\s\S]*seed 2 .*discarded: indexMissing/,
    )
    expectNoViolations(result, { trace: false })
  })

  it('counts a stretched schedule that held every invariant as passed, without running it again', async () => {
    const calls: number[] = []
    const result = await runSchedules(
      1,
      1,
      async (seed) => {
        calls.push(seed)
        await tick()
        block(60)
        return outcome(seed)
      },
      1,
      { leaseMs: 120, monitor: stretchMonitor() },
    )
    expect(calls).toEqual([1])
    expect(result.stretchedPassed).toBe(1)
    expect(result.stretched).toEqual([])
  })

  it('still fails on a violation in a schedule whose timers stayed punctual', async () => {
    const result = await runSchedules(
      2,
      2,
      async (seed) => {
        await tick()
        return outcome(seed, seed === 2 ? ['acknowledgedLost'] : [])
      },
      1,
      {
        leaseMs: 120,
        monitor: stretchMonitor(),
      },
    )
    expect(result.stretched).toEqual([])
    expect(result.failed.map((f) => f.seed)).toEqual([2])
    expect(() => expectNoViolations(result, { trace: false })).toThrow(/1 of 2 schedules broke an invariant/)
  })

  it('after its retries, grows the lease; a seed that breaks an invariant in every stretched attempt is never judged, and too many fail the run', async () => {
    const leases: number[] = []
    const result = await runSchedules(
      1,
      1,
      async (seed, { leaseMs }) => {
        leases.push(leaseMs as number)
        await tick()
        block(45) // past a quarter of 120 ms, under a quarter of 240 ms
        return outcome(seed, (leaseMs as number) < 200 ? ['leaseCrossed'] : [])
      },
      1,
      { leaseMs: 120, retries: 2, monitor: stretchMonitor() },
    )
    expect(leases).toEqual([120, 120, 120, 240])
    expect(result.stretched.map((s) => s.leaseMs)).toEqual([120, 120, 120])
    expect(result.unjudged).toEqual([])
    expect(result.failed).toEqual([])

    const never = await runSchedules(
      1,
      1,
      async (seed) => {
        await tick()
        block(45)
        return outcome(seed, ['x'])
      },
      1,
      {
        leaseMs: 40,
        retries: 0,
        growth: [2],
        monitor: stretchMonitor(),
      },
    )
    expect(never.unjudged).toEqual([1])
    expect(never.failed).toEqual([])
    expect(() => expectNoViolations(never, { trace: false })).toThrow(/too many schedules broke an invariant in every attempt/)
  })

  it('on the real write-protocol schedules: the stretch of the concurrent part is measured, and a stretched failure is run again', async () => {
    const attempts: string[] = []
    let burst = false
    const result = await runSchedules(
      4,
      4,
      async (seed, { n, leaseMs = 120 }) => {
        attempts.push(`${seed}.${n}`)
        const store = memoryStore()
        if (n === 0 && seed === 2) {
          // A neighbour's burst while the operations run: at the first write that stores an operation's tag.
          const put = store.put.bind(store)
          store.put = async (key, body, opts) => {
            if (!burst && (typeof body === 'string' ? body : new TextDecoder().decode(body)).includes('"t2-')) burst = block(60) > 0
            return put(key, body, opts)
          }
        }
        const ran = await runSchedule({
          seed,
          store,
          leaseMs,
          ...memoryDisturbance(leaseMs),
        })
        // What a stretched run might have found (made up here): it must not be judged.
        if (n === 0 && seed === 2) ran.violations.push({ invariant: 'madeUp', detail: 'under stretch' })
        return ran
      },
      1,
      { leaseMs: 120, monitor: stretchMonitor() },
    )
    expect(burst).toBe(true)
    expect(result.stretched).toMatchObject([{ seed: 2, leaseMs: 120, violations: ['madeUp'] }])
    expect(result.stretched[0]?.stretchMs).toBeGreaterThanOrEqual(40)
    expect(attempts).toEqual(expect.arrayContaining(['2.0', '2.1']))
    expect(result.unjudged).toEqual([])
    expectNoViolations(result, { trace: false })
  }, 60_000)
})

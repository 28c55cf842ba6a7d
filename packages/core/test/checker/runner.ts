import { expect } from 'vitest'
import type { ScheduleOutcome } from './run-schedule.js'
import { processStretch, type StretchMonitor } from './stretch.js'

// Runs many seeded schedules, guards them against timer stretch, and reports what broke.

/** Which run of a seed this is: `n` 0 is the first; `leaseMs` is the lease to run it with (the guard may grow it). */
export interface Attempt {
  n: number
  leaseMs: number | undefined
}

/**
 * Keeps timer stretch from failing a run. A schedule whose worst timer lateness reached `share` of
 * its lease ran with invalid settings (README, "Leases and clocks"). If it still held every
 * invariant it counts as passed (it ran an interleaving the protocol handled; nothing was hidden).
 * If it broke one, that is not judged: the same seed is run again (`retries` times), then with the
 * lease multiplied by each of `growth` (stalls are given relative to the lease, so they stay past
 * it), until a run stays punctual and is judged. What a stretched run found is kept for the report.
 */
export interface StretchGuard {
  leaseMs: number
  /** Default 1/4: a request meant to take at most `lateMs` (under half the lease) then still lands within it, with room. */
  share?: number
  /** Re-runs at the same lease (default 3). */
  retries?: number
  /** Lease factors tried after those (default [2, 4]). */
  growth?: readonly number[]
  monitor?: StretchMonitor
}

/** One run of a seed that was stretched, and so not judged. */
export interface StretchedRun {
  seed: number
  leaseMs: number
  stretchMs: number
  /** Invariants it broke (not counted: the settings were invalid for that run). */
  violations: string[]
}

export interface RunResult {
  runs: number
  failed: ScheduleOutcome[]
  byInvariant: Record<string, number>
  reported: Record<string, number>
  /** Stretched runs that broke an invariant and so were not judged (each seed was run again). */
  stretched: StretchedRun[]
  /** Stretched runs that held every invariant (counted as passed). */
  stretchedPassed: number
  /** Seeds that broke an invariant in every attempt, each stretched, the largest lease included: never judged. */
  unjudged: number[]
  /** The worst stretch (ms) of a judged schedule, and the share of its lease that was. */
  worstJudged: { stretchMs: number; leaseMs: number }
}

/** Runs `runs` schedules (seeds `firstSeed`…), `parallel` at a time, under `guard` if given, and tallies what broke. */
export async function runSchedules(
  runs: number,
  parallel: number,
  schedule: (seed: number, attempt: Attempt) => Promise<ScheduleOutcome>,
  firstSeed = 1,
  guard?: StretchGuard,
): Promise<RunResult> {
  const result: RunResult = {
    runs,
    failed: [],
    byInvariant: {},
    reported: {},
    stretched: [],
    stretchedPassed: 0,
    unjudged: [],
    worstJudged: { stretchMs: 0, leaseMs: guard?.leaseMs ?? 0 },
  }
  const leases = guard
    ? [...Array.from({ length: 1 + (guard.retries ?? 3) }, () => guard.leaseMs), ...(guard.growth ?? [2, 4]).map((f) => f * guard.leaseMs)]
    : [undefined]
  const monitor = guard?.monitor ?? processStretch
  const judge = async (seed: number): Promise<ScheduleOutcome | undefined> => {
    for (const [n, leaseMs] of leases.entries()) {
      const close = monitor.open()
      const outcome = await schedule(seed, { n, leaseMs })
      const whole = close()
      const stretchMs = outcome.stretchMs ?? whole // a schedule that measures its concurrent part knows best
      if (guard === undefined || leaseMs === undefined) return outcome
      if (stretchMs < (guard.share ?? 1 / 4) * leaseMs) {
        if (stretchMs / leaseMs > result.worstJudged.stretchMs / result.worstJudged.leaseMs) result.worstJudged = { stretchMs, leaseMs }
        return outcome
      }
      if (outcome.violations.length === 0) {
        result.stretchedPassed++
        return outcome
      }
      result.stretched.push({ seed, leaseMs, stretchMs, violations: outcome.violations.map((v) => v.invariant) })
    }
    result.unjudged.push(seed)
    return undefined
  }
  let next = 0
  const worker = async () => {
    while (next < runs) {
      const outcome = await judge(firstSeed + next++)
      if (!outcome) continue
      if (outcome.violations.length > 0) result.failed.push(outcome)
      for (const r of outcome.reported) result.reported[r] = (result.reported[r] ?? 0) + 1
    }
  }
  await Promise.all(Array.from({ length: Math.min(parallel, runs) }, worker))
  result.failed.sort((a, b) => a.seed - b.seed)
  result.unjudged.sort((a, b) => a - b)
  for (const f of result.failed) {
    for (const invariant of new Set(f.violations.map((v) => v.invariant)))
      result.byInvariant[invariant] = (result.byInvariant[invariant] ?? 0) + 1
  }
  return result
}

/** How often each operation reported each outcome, by kind (`ok`, `failed code`, `unknown code`, `partial code`). */
export function statistics(result: RunResult): string {
  const byKind = new Map<string, string[]>()
  for (const [line, n] of Object.entries(result.reported).sort()) {
    const [kind, ...rest] = line.split(' ')
    byKind.set(kind as string, [...(byKind.get(kind as string) ?? []), `${rest.join(' ')} ${n}`])
  }
  const total = Object.values(result.reported).reduce((a, b) => a + b, 0)
  return [`${total} operations in ${result.runs} schedules:`, ...[...byKind].map(([k, v]) => `  ${k}: ${v.join(', ')}`)].join('\n')
}

/** How to replay one seed alone (`S3V_CHECKER_SEED=… S3V_CHECKER_RUNS=1 S3V_CHECKER_TRACE=1` by default). */
export type Replay = (seed: number) => string
const replayWriteChecker: Replay = (seed) => `S3V_CHECKER_SEED=${seed} S3V_CHECKER_RUNS=1 S3V_CHECKER_TRACE=1`

/** A readable report of the failed schedules: counts per invariant, then the first few counterexamples. */
export function summarize(result: RunResult, show = 3, replay = replayWriteChecker): string {
  const lines = [
    `${result.failed.length} of ${result.runs} schedules broke an invariant (schedules per invariant: ${JSON.stringify(result.byInvariant)})`,
  ]
  for (const f of result.failed.slice(0, show)) {
    lines.push(`seed ${f.seed} (replay: ${replay(f.seed)}):`)
    lines.push(...f.schedule.map((s) => `  ${s}`))
    lines.push(...f.violations.map((v) => `  ✗ ${v.invariant}: ${v.detail}`))
    if (f.trace) lines.push('  trace:', ...f.trace.map((t) => `    ${t}`))
  }
  return lines.join('\n')
}

/** One paragraph on timer stretch: how many runs were re-run, with which leases, and what they would have reported. */
export function stretchReport(result: RunResult): string {
  const { stretchMs, leaseMs } = result.worstJudged
  const seeds = new Set(result.stretched.map((s) => s.seed))
  const head = [
    `timer stretch: ${result.stretched.length} stretched run(s) with a violation not judged, ${seeds.size} schedule(s) re-run`,
    `${result.unjudged.length} never judged${result.unjudged.length ? ` (seeds ${result.unjudged.join(', ')})` : ''}`,
    `${result.stretchedPassed} stretched schedule(s) held every invariant (counted as passed)`,
    `worst stretch of a punctual schedule ${stretchMs.toFixed(1)} ms (lease ${leaseMs} ms)`,
  ].join('; ')
  const runs = result.stretched.map(
    (s) => `seed ${s.seed} lease ${s.leaseMs} ms stretch ${s.stretchMs.toFixed(0)} ms (discarded: ${s.violations.join(', ')})`,
  )
  return [head, ...runs.slice(0, 20).map((r) => `  ${r}`), ...(runs.length > 20 ? [`  … ${runs.length - 20} more`] : [])].join('\n')
}

/**
 * The end of a checker test: prints the stretch report, the statistics (`S3V_CHECKER_STATS=1`) and
 * the failed schedules, then fails if a judged schedule broke an invariant, or if more than 1 in 100
 * schedules broke one in every (stretched) attempt: too many to call that the machine's fault.
 */
export function expectNoViolations(result: RunResult, o: { trace: boolean; replay?: Replay }) {
  console.log(stretchReport(result))
  if (process.env.S3V_CHECKER_STATS === '1') console.log(statistics(result))
  if (result.failed.length > 0) console.log(summarize(result, o.trace ? 20 : 3, o.replay))
  expect(
    result.failed.map((f) => f.seed),
    summarize(result, 1, o.replay),
  ).toEqual([])
  expect(
    result.unjudged.length,
    `too many schedules broke an invariant in every attempt, each stretched: ${stretchReport(result)}`,
  ).toBeLessThanOrEqual(result.runs / 100)
}

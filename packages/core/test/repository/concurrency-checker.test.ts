import { describe, expect, it } from 'vitest'
import { memoryStore } from '../../src/index.js'
import { runSchedule, runSchedules, summarize } from './random-schedules.js'

// Issue 8's randomized concurrency checker on the memory store: S3V_CHECKER_RUNS schedules (default
// 1000) from seed S3V_CHECKER_SEED (default 1). Each is a fresh bucket with two clients doing random
// concurrent creates, updates (same-value and back-and-forth ones too), functional updates, deletes,
// createMany, readers and verify({ repair: true }), under random latency, stalls past the lease and
// lost answers; the invariants are checked after quiescence.

const RUNS = Number(process.env.S3V_CHECKER_RUNS ?? 1000)
const FIRST_SEED = Number(process.env.S3V_CHECKER_SEED ?? 1)
const TRACE = process.env.S3V_CHECKER_TRACE === '1' // print what the store did in the failed schedules
const LEASE = 60

describe('randomized concurrency checker (memory store)', () => {
  it(`${RUNS} random schedules keep every record findable, every unique value held once and every acknowledged write`, async () => {
    const result = await runSchedules(
      RUNS,
      40,
      (seed) =>
        runSchedule({
          seed,
          store: memoryStore(),
          leaseMs: LEASE,
          maxLatencyMs: 3,
          stallChance: 0.02,
          stallMs: [LEASE + 10, 2 * LEASE],
          lostAnswerChance: 0.02,
          failChance: 0.01,
          trace: TRACE,
        }),
      FIRST_SEED,
    )
    if (result.failed.length > 0) console.log(summarize(result, TRACE ? 20 : 3))
    expect(
      result.failed.map((f) => f.seed),
      summarize(result, 1),
    ).toEqual([])
  }, 180_000)
})

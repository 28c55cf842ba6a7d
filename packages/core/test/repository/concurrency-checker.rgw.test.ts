import { describe, expect, it } from 'vitest'
import { runSchedule } from '../checker/run-schedule.js'
import { runSchedules, statistics, summarize } from '../checker/runner.js'
import { RGW_SKIP_REASON, rgwBucket, rgwServer } from './race-fixtures.js'

// The randomized checker of issues 8 and 17 against Ceph RGW: the same world, operations, faults and
// invariants as on the memory store (checker/), fewer schedules (S3V_CHECKER_RGW_RUNS, default 20),
// each in its own namespace of one bucket, with the smallest lease RGW's clock allows (2 s: it reports
// times to the second, and createDatabase refuses anything shorter).

const server = rgwServer()
if (!server) console.warn(`\n!!! SKIPPED: the concurrency checker against a real S3 server: ${RGW_SKIP_REASON}\n`)
const RUNS = Number(process.env.S3V_CHECKER_RGW_RUNS ?? 20)
const FIRST_SEED = Number(process.env.S3V_CHECKER_SEED ?? 1)
const TRACE = process.env.S3V_CHECKER_TRACE === '1'
const LEASE = 2000

describe.skipIf(!server)(`randomized concurrency checker on a real S3 server (${server?.endpoint ?? 'none'})`, () => {
  it(`${RUNS} random schedules: every reported outcome is true, and every record stays findable and consistent`, async () => {
    const store = await rgwBucket(server!)
    const result = await runSchedules(
      RUNS,
      10,
      (seed) =>
        runSchedule({
          seed,
          store,
          basePath: `schedule-${seed}/`,
          leaseMs: LEASE,
          maxLatencyMs: 5,
          stallChance: 0.02,
          stallMs: [LEASE + 20, 2 * LEASE],
          lostAnswerChance: 0.02,
          lateChance: 0.01,
          lateMs: 200, // well under half the lease
          failChance: 0.01,
          trace: TRACE,
        }),
      FIRST_SEED,
    )
    if (process.env.S3V_CHECKER_STATS === '1') console.log(statistics(result))
    if (result.failed.length > 0) console.log(summarize(result, TRACE ? 20 : 3))
    expect(
      result.failed.map((f) => f.seed),
      summarize(result, 1),
    ).toEqual([])
  }, 600_000)
})

import { describe, expect, it } from 'vitest'
import { RGW_SKIP_REASON, rgwBucket, rgwServer } from './race-fixtures.js'
import { runSchedule, runSchedules, summarize } from './random-schedules.js'

// The randomized concurrency checker of issue 8 against Ceph RGW: fewer schedules (S3V_CHECKER_RGW_RUNS,
// default 20), each in its own namespace of one bucket, with the smallest lease RGW's clock allows.

const server = rgwServer()
if (!server) console.warn(`\n!!! SKIPPED: the concurrency checker against a real S3 server: ${RGW_SKIP_REASON}\n`)
const RUNS = Number(process.env.S3V_CHECKER_RGW_RUNS ?? 20)
const FIRST_SEED = Number(process.env.S3V_CHECKER_SEED ?? 1)
const TRACE = process.env.S3V_CHECKER_TRACE === '1'
const LEASE = 2000 // RGW reports times to the second: the smallest lease it allows

describe.skipIf(!server)(`randomized concurrency checker on a real S3 server (${server?.endpoint ?? 'none'})`, () => {
  it(`${RUNS} random schedules keep every record findable, every unique value held once and every acknowledged write`, async () => {
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
  }, 300_000)
})

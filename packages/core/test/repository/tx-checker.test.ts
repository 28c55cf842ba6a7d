import { describe, expect, it } from 'vitest'
import { memoryStore } from '../../src/index.js'
import { runSchedules, statistics, summarize } from '../checker/run-schedule.js'
import { runTxSchedule } from '../checker/tx-schedule.js'

// The randomized checker of issue 23 (transactions) on the memory store: S3V_TX_CHECKER_RUNS schedules
// (default 2000) from seed S3V_TX_CHECKER_SEED (default 1), a third of them on a store whose DELETE
// ignores If-Match (like Ceph RGW). See checker/tx-schedule.ts for the world and the invariants.

const RUNS = Number(process.env.S3V_TX_CHECKER_RUNS ?? 2000)
const FIRST_SEED = Number(process.env.S3V_TX_CHECKER_SEED ?? 1)
const TRACE = process.env.S3V_CHECKER_TRACE === '1'
const LEASE = 120 // as the write-protocol checker: above twice the longest time a request is on its way here

describe('randomized transaction checker (memory store)', () => {
  it(`${RUNS} random schedules of transfers, pairs of orders and single writes: atomic, nothing acknowledged lost, total kept`, async () => {
    const result = await runSchedules(
      RUNS,
      Number(process.env.S3V_TX_CHECKER_PARALLEL ?? 100),
      (seed) =>
        runTxSchedule({
          seed,
          store: memoryStore({ conditionalDelete: seed % 3 !== 0 }),
          leaseMs: LEASE,
          maxLatencyMs: 3,
          stallChance: 0.02,
          stallMs: [LEASE + 10, 2 * LEASE],
          lostAnswerChance: 0.02,
          lateChance: 0.01,
          lateMs: 20,
          failChance: 0.01,
          crashChance: 0.15,
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

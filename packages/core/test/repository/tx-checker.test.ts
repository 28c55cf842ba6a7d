import { describe, it } from 'vitest'
import { memoryStore } from '../../src/index.js'
import { memoryDisturbance } from '../checker/run-schedule.js'
import { expectNoViolations, runSchedules } from '../checker/runner.js'
import { runTxSchedule } from '../checker/tx-schedule.js'

// The randomized checker of issue 23 (transactions) on the memory store: S3V_TX_CHECKER_RUNS schedules
// (default 2000) from seed S3V_TX_CHECKER_SEED (default 1), a third of them on a store whose DELETE
// ignores If-Match (like Ceph RGW). See checker/tx-schedule.ts for the world and the invariants.

const RUNS = Number(process.env.S3V_TX_CHECKER_RUNS ?? 2000)
const FIRST_SEED = Number(process.env.S3V_TX_CHECKER_SEED ?? 1)
const TRACE = process.env.S3V_CHECKER_TRACE === '1'
// As the write-protocol checker: above twice the longest time a request is on its way here, and
// guarded the same way against timer stretch on a loaded machine (checker/runner.ts).
const LEASE = Number(process.env.S3V_CHECKER_LEASE ?? 120)

describe('randomized transaction checker (memory store)', () => {
  it(`${RUNS} random schedules of transfers, pairs of orders and single writes: atomic, nothing acknowledged lost, total kept`, async () => {
    const result = await runSchedules(
      RUNS,
      Number(process.env.S3V_TX_CHECKER_PARALLEL ?? 100),
      (seed, { leaseMs = LEASE }) =>
        runTxSchedule({
          seed,
          store: memoryStore({ conditionalDelete: seed % 3 !== 0 }),
          leaseMs,
          ...memoryDisturbance(leaseMs),
          crashChance: 0.15,
          trace: TRACE,
        }),
      FIRST_SEED,
      { leaseMs: LEASE },
    )
    expectNoViolations(result, {
      trace: TRACE,
      replay: (seed) => `S3V_TX_CHECKER_SEED=${seed} S3V_TX_CHECKER_RUNS=1 S3V_CHECKER_TRACE=1`,
    })
  }, 600_000)
})

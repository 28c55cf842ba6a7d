import { memoryStore } from '@s3verless/core'
import { describe, expect, it } from 'vitest'
import { describeFailures, runMigrationSchedule, runMigrationSchedules } from './migration-schedules.js'

// Issue 17's randomized checker for a migration running beside application writes, on the memory
// store: S3V_MIGRATION_CHECKER_RUNS schedules (default 240) from seed S3V_MIGRATION_CHECKER_SEED
// (default 1); every other one on a store that, like Ceph RGW, ignores If-Match on DELETE.

const RUNS = Number(process.env.S3V_MIGRATION_CHECKER_RUNS ?? 240)
const FIRST_SEED = Number(process.env.S3V_MIGRATION_CHECKER_SEED ?? 1)

describe('randomized checker: a migration beside application writes, crashes and reruns (memory store)', () => {
  it(`${RUNS} schedules: every record migrated exactly once, history applied once, no index or claim missing`, async () => {
    const started = Date.now()
    const { failed, resumed } = await runMigrationSchedules(
      RUNS,
      24,
      (seed) =>
        runMigrationSchedule({
          seed,
          store: memoryStore({ conditionalDelete: seed % 2 === 0 }),
          leaseTtlMs: 300,
          maxLatencyMs: 3,
          failChance: 0.02,
          lostAnswerChance: 0.02,
          lateChance: 0.01,
          lateMs: 40,
        }),
      FIRST_SEED,
    )
    const seconds = ((Date.now() - started) / 1000).toFixed(1)
    console.log(
      `migration checker: ${RUNS} schedules in ${seconds} s (${resumed} took up an interrupted run midway), ${failed.length} failed`,
    )
    expect(resumed).toBeGreaterThan(RUNS / 10) // the schedules do crash runs midway
    expect(
      failed.map((f) => f.seed),
      describeFailures(failed, RUNS),
    ).toEqual([])
  }, 240_000)
})

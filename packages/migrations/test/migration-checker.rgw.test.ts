import { createTestBucket, S3_SKIP_REASON, type S3TestServer, s3TestServer } from '@s3verless/testing'
import { describe, expect, it } from 'vitest'
import { describeFailures, runMigrationSchedule, runMigrationSchedules } from './migration-schedules.js'

// Issue 17's randomized checker for a migration beside application writes, against Ceph RGW: fewer
// schedules (S3V_MIGRATION_CHECKER_RGW_RUNS, default 12), each in its own namespace of one bucket,
// with a lease RGW's clock allows (it reports times to the second: at least 2 s).

const server = s3TestServer()
if (!server) console.warn(`\n!!! SKIPPED: the migration checker against a real S3 server: ${S3_SKIP_REASON}\n`)
const RUNS = Number(process.env.S3V_MIGRATION_CHECKER_RGW_RUNS ?? 12)
const FIRST_SEED = Number(process.env.S3V_MIGRATION_CHECKER_SEED ?? 1)

describe.skipIf(!server)(`randomized migration checker on a real S3 server (${server?.endpoint ?? 'none'})`, () => {
  it(`${RUNS} schedules: every record migrated exactly once, history applied once, no index or claim missing`, async () => {
    const { store } = await createTestBucket(server as S3TestServer)
    const started = Date.now()
    const { failed, resumed } = await runMigrationSchedules(
      RUNS,
      4,
      (seed) =>
        runMigrationSchedule({
          seed,
          store,
          basePath: `schedule-${seed}/`,
          leaseTtlMs: 2_000,
          maxLatencyMs: 5,
          failChance: 0.02,
          lostAnswerChance: 0.02,
          lateChance: 0.01,
          lateMs: 200,
        }),
      FIRST_SEED,
    )
    const seconds = ((Date.now() - started) / 1000).toFixed(1)
    console.log(
      `RGW migration checker: ${RUNS} schedules in ${seconds} s (${resumed} took up an interrupted run midway), ${failed.length} failed`,
    )
    expect(
      failed.map((f) => f.seed),
      describeFailures(failed, RUNS),
    ).toEqual([])
  }, 300_000)

  it('refuses a lease time RGW’s clock cannot judge (below 2 s)', async () => {
    const { store } = await createTestBucket(server as S3TestServer)
    const { MigrationRunner } = await import('../src/index.js')
    const { Product } = await import('./migration-schedules.js')
    expect(() => new MigrationRunner(store, 'b', [], { models: [Product], leaseTtlMs: 1_000 })).toThrow(
      /^leaseTtlMs must be at least 2000 ms on the s3 store \(it reports times to 1000 ms/,
    )
  })
})

import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createDatabase, type ObjectStore } from '@s3verless/core'
import { fsStore } from '@s3verless/core/fs'
import { createTestBucket, S3_SKIP_REASON, s3TestServer } from '@s3verless/testing'
import { describe, expect, it } from 'vitest'
import { s3verless } from '../cli-process.js'
import { callsOf, checkInvariants, tally } from './check.js'
import { crashRun } from './crash-run.js'
import type { WorkerConfig } from './worker.js'
import { MODELS } from './world.js'

// Issue 22, item 1: worker processes SIGKILLed mid-write again and again on one bucket, then
// `s3verless doctor` (as a process) reports the drift, `doctor --repair` repairs it, and the logged
// calls are checked against what is stored. S3VERLESS_CRASH_KILLS (default 50) and
// S3VERLESS_CRASH_SECONDS (default 0) make longer runs.

const KILLS = Number(process.env.S3VERLESS_CRASH_KILLS ?? 50)
const MIN_SECONDS = Number(process.env.S3VERLESS_CRASH_SECONDS ?? 0)
const MODELS_MODULE = fileURLToPath(new URL('./world.ts', import.meta.url))
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

const server = s3TestServer()
if (!server) console.warn(`\n!!! SKIPPED: crash consistency on Ceph RGW: ${S3_SKIP_REASON}\n`)

interface Target {
  name: string
  store: ObjectStore
  workerStore: WorkerConfig['store']
  /** How `doctor` is pointed at the store: options and environment. */
  doctorArgs: string[]
  doctorEnv: Record<string, string | undefined>
  leaseMs: number
  /** A worker is killed this long (uniformly, ms) after it is ready: long enough for several calls. */
  killAfterMs: readonly [number, number]
}

async function crashAndRepair(target: Target, seed: number) {
  const run = await crashRun({
    store: target.store,
    workerStore: target.workerStore,
    leaseMs: target.leaseMs,
    workers: 3,
    lanes: 2,
    kills: KILLS,
    minSeconds: MIN_SECONDS,
    killAfterMs: target.killAfterMs,
    seed,
  })
  const calls = callsOf(run.lines)
  const counts = tally(calls)
  await sleep(target.leaseMs + 1500) // leftovers of the killed writes are now older than the lease

  const doctor = (...extra: string[]) =>
    s3verless(
      ['doctor', '--models', MODELS_MODULE, '--lease', String(target.leaseMs), '--json', ...target.doctorArgs, ...extra],
      target.doctorEnv,
    )
  const before = await doctor()
  const found = JSON.parse(before.stdout) as { findings: number; models: Record<string, unknown[] | string | number>[] }
  expect(before.code, before.stderr).toBe(found.findings > 0 ? 1 : 0)
  const byKind: Record<string, number> = {}
  for (const m of found.models) {
    for (const [k, items] of Object.entries(m)) if (Array.isArray(items) && items.length > 0) byKind[k] = (byKind[k] ?? 0) + items.length
  }
  const repaired = await doctor('--repair')
  expect(repaired.code, repaired.stdout + repaired.stderr).toBe(0)
  const after = await doctor()
  expect(after.code, after.stdout + after.stderr).toBe(0)

  const db = createDatabase({ store: target.store, models: MODELS, leaseMs: target.leaseMs })
  const violations = await checkInvariants(db, calls, run.counterIds)
  console.log(
    `crash ${target.name}: ${run.kills} SIGKILLs of ${run.starts} worker starts in ${run.seconds.toFixed(0)} s; ` +
      `${counts.calls} calls: ${counts.acknowledged} acknowledged, ${counts.failed} failed, ${counts.unknown} unknown, ` +
      `${counts.partial} partial, ${counts.inDoubt} cut off by a kill; doctor before repair: ${found.findings} findings ${JSON.stringify(byKind)}; ` +
      `violations after repair: ${violations.length}\n  outcomes by code: ${JSON.stringify(counts.byCode)}`,
  )
  expect(violations).toEqual([])
  expect(run.kills).toBeGreaterThanOrEqual(KILLS)
  expect(counts.inDoubt).toBeGreaterThan(0) // kills did land mid-call
}

describe('crash consistency across processes (SIGKILL mid-write, then doctor --repair)', () => {
  it('on the file-system store, 3 processes', async () => {
    const root = await mkdtemp(join(tmpdir(), 's3verless-crash-fs-'))
    try {
      await crashAndRepair(
        {
          name: 'fsStore',
          store: fsStore({ root }),
          workerStore: { kind: 'fs', root },
          doctorArgs: ['--data', root],
          doctorEnv: {},
          leaseMs: 2000, // well above the longest request on a loaded machine (the floor is 2 ms)
          killAfterMs: [100, 1200],
        },
        1,
      )
    } finally {
      await rm(root, { recursive: true, force: true })
    }
  }, 300_000)

  it.skipIf(!server)(
    `on Ceph RGW (${server?.endpoint ?? 'none'}), 3 processes`,
    async () => {
      const { store, bucket, manager } = await createTestBucket(server!)
      try {
        await crashAndRepair(
          {
            name: 'Ceph RGW',
            store,
            workerStore: { kind: 's3', bucket },
            doctorArgs: [],
            doctorEnv: {
              AWS_BUCKET_NAME: bucket,
              AWS_ENDPOINT_URL: server!.endpoint,
              AWS_ACCESS_KEY_ID: server!.accessKeyId,
              AWS_SECRET_ACCESS_KEY: server!.secretAccessKey,
              AWS_REGION: 'us-east-1',
              S3_FORCE_PATH_STYLE: 'true',
              S3_PROVIDER: server!.provider,
            },
            leaseMs: 4000,
            killAfterMs: [300, 3000],
          },
          2,
        )
      } finally {
        manager.destroy()
      }
    },
    300_000,
  )
})

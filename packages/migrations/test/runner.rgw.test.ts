import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { createDatabase } from '@s3verless/core'
import { createTestBucket, S3_SKIP_REASON, type S3TestServer, s3TestServer, testBucketManager } from '@s3verless/testing'
import { describe, expect, it } from 'vitest'
import { Migration, MigrationRunner, type RunReport } from '../src/index.js'
import { Product, ProductV1, productMigrations } from './fixtures.js'

const run = promisify(execFile)
const worker = fileURLToPath(new URL('./workers/run-migrations.ts', import.meta.url))
const server = s3TestServer()
if (!server) console.warn(`\n!!! SKIPPED: migrations against a real S3 server: ${S3_SKIP_REASON}\n`)

/** A bucket with `n` products of the old shape, and a second, independent client on it (another "machine"). */
async function bucketWithProducts(n: number) {
  const { store, bucket } = await createTestBucket(server as S3TestServer)
  const old = createDatabase({ store, models: [ProductV1] }).repository(ProductV1)
  await old.createMany(Array.from({ length: n }, (_, i) => ({ title: `P${i}`, price: i + 0.5 })))
  const other = testBucketManager(server!, bucket).store()
  return { store, other, bucket }
}

const runnerOn = (store: Parameters<typeof createDatabase>[0]['store'], holder: string, migrations = productMigrations) =>
  new MigrationRunner(store, 'unused', migrations, { models: [Product], holder })

describe.skipIf(!server)(`migrations on a real S3 server (${server?.endpoint ?? 'none'})`, () => {
  it('two runners started at once: one migrates, the other reports the lease holder', async () => {
    const { store, other } = await bucketWithProducts(200)
    const started = Date.now()
    const outcomes = await Promise.allSettled([runnerOn(store, 'runner A').runPending(), runnerOn(other, 'runner B').runPending()])
    const won = outcomes.findIndex((o) => o.status === 'fulfilled')
    expect(won).toBeGreaterThanOrEqual(0)
    const lost = outcomes[1 - won] as PromiseRejectedResult
    expect(lost.status).toBe('rejected')
    expect(lost.reason.code).toBe('migration.locked')
    expect(lost.reason.message).toMatch(new RegExp(`^Migrations are locked by runner ${won === 0 ? 'A' : 'B'} `))
    const report = (outcomes[won] as PromiseFulfilledResult<RunReport>).value
    expect(report.applied).toEqual(['0001', '0002', '0010'])
    expect(report.results[0]).toMatchObject({ records: 200, changed: 200 })
    const status = await runnerOn(other, 'checker').status()
    expect(status.applied.map((a) => a.version)).toEqual(['0001', '0002', '0010'])
    expect(status.pending).toEqual([])
    const products = createDatabase({ store: other, models: [Product] }).repository(Product)
    expect((await products.findBy('name', 'P7'))?.price).toBe(750)
    const verify = await products.verify()
    expect([verify.missingIndexEntries, verify.missingClaims, verify.corrupt]).toEqual([[], [], []])
    console.log(`RGW: 200 records migrated by one of two runners in ${((Date.now() - started) / 1000).toFixed(1)} s; the other was refused`)
  }, 120_000)

  it('two runners started at once, both willing to wait: one migrates, the other waits and then finds nothing pending', async () => {
    const { store, other } = await bucketWithProducts(100)
    const outcomes = await Promise.all([
      runnerOn(store, 'runner A').runPending({ waitMs: 60_000 }),
      runnerOn(other, 'runner B').runPending({ waitMs: 60_000 }),
    ])
    expect(outcomes.map((r) => r.applied.join(',')).sort()).toEqual(['', '0001,0002,0010'])
    expect(outcomes.every((r) => r.ok)).toBe(true)
    const waited = outcomes.find((r) => r.applied.length === 0) as RunReport
    const migrated = outcomes.find((r) => r.applied.length > 0) as RunReport
    expect(waited.durationMs).toBeGreaterThanOrEqual(migrated.durationMs - 1_000) // it waited for the other to finish
  }, 120_000)

  it('two runners in two OS processes started at once: one migrates, the other reports the lease holder', async () => {
    const { bucket, other } = await bucketWithProducts(100)
    const start = (holder: string) => run('npx', ['tsx', '--conditions=@s3verless/source', worker, bucket, holder], { env: process.env })
    const outputs = await Promise.all([start('process A'), start('process B')])
    const answers = outputs.map((o) => JSON.parse(o.stdout.trim().split('\n').at(-1) as string))
    const winner = answers.findIndex((a) => a.applied !== undefined)
    expect(answers[winner]).toMatchObject({ applied: ['0001', '0002', '0010'], ok: true })
    expect(answers[1 - winner]).toMatchObject({ code: 'migration.locked' })
    expect(answers[1 - winner].error).toMatch(new RegExp(`^Migrations are locked by process ${winner === 0 ? 'A' : 'B'} `))
    expect((await runnerOn(other, 'checker').status()).pending).toEqual([])
  }, 120_000)

  it("takes over a crashed runner's lease once it is older than its lease time by the server's clock", async () => {
    const { store } = await bucketWithProducts(5)
    const now = new Date().toISOString()
    const crashed = { token: 'gone', holder: 'crashed runner', acquiredAt: now, renewedAt: now, ttlMs: 3_000 }
    await store.put('s3verless-data/_locks/migrations', JSON.stringify(crashed), { ifNoneMatch: '*' })
    await expect(runnerOn(store, 'impatient').runPending()).rejects.toThrow(/^Migrations are locked by crashed runner/)
    const started = Date.now()
    const late = new Migration({ version: '0011', modelName: 'Product', apply: (r) => r })
    const report = await runnerOn(store, 'patient', [...productMigrations, late]).runPending({ waitMs: 30_000 })
    expect(report.applied).toEqual(['0001', '0002', '0010', '0011'])
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000)
  }, 120_000)
})

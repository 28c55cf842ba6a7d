import { fileURLToPath } from 'node:url'
import { createDatabase } from '@s3verless/core'
import { fsStore } from '@s3verless/core/fs'
import { afterEach, describe, expect, it } from 'vitest'
import { cli, dataDir } from './cli-harness.js'
import { ProductV1 } from './fixtures/old-models.js'
import { runBin } from './process-harness.js'

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url))
const args = ['--models', fixture('models.ts'), '--dir', fixture('migrations')]
let cleanup: (() => Promise<void>) | undefined
afterEach(() => cleanup?.())

/** A data directory holding `n` products of the old shape. */
async function oldProducts(n: number) {
  const dir = await dataDir([])
  cleanup = dir.cleanup
  const store = fsStore({ root: dir.root, durable: false })
  const old = createDatabase({ store, models: [ProductV1] }).repository(ProductV1)
  for (let i = 0; i < n; i++) await old.create({ title: `P${i}`, price: i + 0.5 })
  return { env: { S3VERLESS_DATA_DIR: dir.root }, store }
}

describe('s3verless migrate', () => {
  it('dry run, run with a progress bar, status, a second run that does nothing, rollback', async () => {
    const { env } = await oldProducts(3)
    const dry = await cli(['migrate', ...args, '--dry-run'], env)
    expect(dry.code).toBe(0)
    expect(dry.stdout).toContain('0001  Product  wouldApply  3 records, 3 rewritten')
    expect(dry.stdout).toContain('Dry run: nothing was written')

    const run = await cli(['migrate', ...args], env)
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(/^0001 {2}Product {2}applied {2}3 records, 3 rewritten \(reindexed\)\n0002 {2}Product {2}applied {2}/)
    expect(run.stdout).toMatch(/Applied 2 of 2 pending migrations in \d+\.\d s\.\n$/)
    expect(run.stderr).toMatch(/migrate Product \(0001, 0002\) +\[[█░]+\] 3\/3 records/)

    const status = await cli(['migrate', ...args, '--status'], env)
    expect(status.stdout).toMatch(
      /^applied {2}0001 {2}Product {2}\d{4}-\d\d-\d\dT[\d:.]+Z {2}3 records, 3 rewritten {2}title → name, add discount\n/,
    )
    expect((await cli(['migrate', ...args], env)).stdout).toBe('Nothing to migrate: every migration is applied.\n')

    const back = await cli(['migrate', ...args, '--rollback', '0002', '--no-progress'], env)
    expect(back).toMatchObject({ code: 0, stderr: '' })
    expect(back.stdout).toMatch(/^0002 {2}Product {2}rolledBack {2}3 records, 3 rewritten/)
    expect((await cli(['migrate', ...args, '--status'], env)).stdout).toContain('pending  0002  Product  price in cents')
  })

  it('exits 1 and names the records a migration fails on, and the holder of a lease', async () => {
    const { env, store } = await oldProducts(2)
    const [first] = (await store.list('s3verless-data/products/')).objects
    // (Longer than a tombstone: objects under 100 bytes are not records.)
    const id = first!.key.split('/').pop()!.slice(0, -5)
    await store.put(first!.key, JSON.stringify({ id, createdAt: 'x', updatedAt: 'x', note: 'unreadable on purpose'.repeat(3) }))
    const failed = await cli(['migrate', ...args, '--no-progress'], env)
    expect(failed.code).toBe(1)
    expect(failed.stdout).toContain('failed on 1 record(s) of Product; nothing was written')

    const now = new Date().toISOString()
    const held = { token: 't', holder: 'deploy on host-7', acquiredAt: now, renewedAt: now, ttlMs: 60_000 }
    await store.put('s3verless-data/_locks/migrations', JSON.stringify(held))
    const locked = await cli(['migrate', ...args, '--no-progress'], env)
    expect(locked.code).toBe(1)
    expect(locked.stderr).toMatch(/^s3verless migrate: Migrations are locked by deploy on host-7 .* \[migration\.locked\]\n$/)
  })

  it('runs as a process: a line per migration, then --status, with --data', async () => {
    const { env } = await oldProducts(2)
    const run = await runBin(['migrate', ...args, '--no-progress', '--data', env.S3VERLESS_DATA_DIR])
    expect(run).toMatchObject({ code: 0, stderr: '' })
    expect(run.stdout).toMatch(/^0001 {2}Product {2}applied {2}2 records, 2 rewritten \(reindexed\)\n0002 {2}Product {2}applied/)
    const status = await runBin(['migrate', ...args, '--status', '--data', env.S3VERLESS_DATA_DIR])
    expect(status.code).toBe(0)
    expect(status.stdout).toMatch(/^applied {2}0001 {2}Product {2}/)
    expect((await runBin(['migrate', '--data', env.S3VERLESS_DATA_DIR])).code).toBe(2)
  }, 180_000)

  it('refuses to run without the models', async () => {
    const run = await cli(['migrate'], {})
    expect(run.code).toBe(2)
    expect(run.stderr).toContain('--models <module> is required')
  })
})

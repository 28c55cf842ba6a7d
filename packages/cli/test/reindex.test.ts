import { fileURLToPath } from 'node:url'
import { createDatabase } from '@s3verless/core'
import { fsStore } from '@s3verless/core/fs'
import { afterEach, describe, expect, it } from 'vitest'
import { dataDir } from './cli-harness.js'
import { Item } from './fixtures/catalog.js'
import { PlainItem } from './fixtures/plain-item.js'
import { runBin } from './process-harness.js'

const models = fileURLToPath(new URL('./fixtures/catalog.ts', import.meta.url))
let cleanup: (() => Promise<void>) | undefined
afterEach(() => cleanup?.())

/** A data directory holding `n` items written before their unique SKU and category index existed. */
async function unindexedItems(n: number) {
  const dir = await dataDir([])
  cleanup = dir.cleanup
  const store = fsStore({ root: dir.root, durable: false })
  const plain = createDatabase({ store, models: [PlainItem] }).repository(PlainItem)
  for (let i = 0; i < n; i++) await plain.create({ sku: `S-${i}`, category: i % 2 ? 'odd' : 'even', price: i })
  return { root: dir.root, store, items: () => createDatabase({ store, models: [Item] }).repository(Item) }
}

describe('s3verless reindex (as a process)', { timeout: 180_000 }, () => {
  it('builds the missing index and claims with a progress bar and a summary, after which queries use them', async () => {
    const { root, items } = await unindexedItems(5)
    await expect(items().findAllBy('category', 'odd')).rejects.toMatchObject({ code: 'model.indexNotReady' })
    const run = await runBin(['reindex', 'Item', '--models', models, '--data', root])
    expect(run.code).toBe(0)
    expect(run.stderr).toMatch(/reindex Item +\[[█░]+\] 5\/5 records/)
    expect(run.stdout).toMatch(/^Reindexed Item: 5 records in \d+\.\d s\n/)
    expect(run.stdout).toContain('  index entries: 5 added, 0 removed\n  unique claims: 5 added, 0 released\n')
    expect(run.stdout).toContain('  ready: asc:category, unique:sku\n')
    expect((await items().findAllBy('category', 'odd')).map((i) => i.sku).sort()).toEqual(['S-1', 'S-3'])
    expect((await items().findBy('sku', 'S-4'))?.price).toBe(4)
  })

  it('prints the summary as JSON with --json, and a second run finds nothing to do', async () => {
    const { root } = await unindexedItems(3)
    const first = await runBin(['reindex', 'items', '--models', models, '--data', root, '--json', '--no-progress'])
    expect(first).toMatchObject({ code: 0, stderr: '' })
    expect(JSON.parse(first.stdout)).toMatchObject({
      model: 'Item',
      records: 3,
      repaired: { indexEntriesAdded: 3, claimsAdded: 3, indexEntriesRemoved: 0, claimsReleased: 0 },
      corrupt: [],
      duplicates: [],
      indexes: { ready: ['asc:category', 'unique:sku'], building: [] },
    })
    const again = JSON.parse((await runBin(['reindex', 'Item', '--models', models, '--data', root, '--json'])).stdout)
    expect(again.repaired).toMatchObject({ indexEntriesAdded: 0, claimsAdded: 0 })
  })

  it('exits 1 naming the duplicates when a unique constraint cannot be built, building the rest', async () => {
    const { root, store } = await unindexedItems(1)
    const plain = createDatabase({ store, models: [PlainItem] }).repository(PlainItem)
    const twin = await plain.create({ sku: 'S-0', category: 'twin', price: 9 }) // PlainItem has no unique SKU
    const run = await runBin(['reindex', 'Item', '--models', models, '--data', root, '--no-progress'])
    expect(run.code).toBe(1)
    expect(run.stdout).toMatch(new RegExp(`  duplicate sku "S-0": (\\S+, ${twin.id}|${twin.id}, \\S+)\n`))
    expect(run.stdout).toContain('  ready: asc:category\n  NOT built: unique:sku (fix the records above, then reindex again)\n')
  })

  it('refuses an unknown model or a missing --models with exit code 2', async () => {
    const { root } = await unindexedItems(0)
    const unknown = await runBin(['reindex', 'Nope', '--models', models, '--data', root])
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toMatch(/^s3verless reindex: no model "Nope" \(models: Item, User\)\n/)
    const noModels = await runBin(['reindex', 'Item', '--data', root])
    expect(noModels.code).toBe(2)
    expect(noModels.stderr).toContain('--models <module> is required')
  })
})

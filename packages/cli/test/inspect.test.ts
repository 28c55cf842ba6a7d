import { fileURLToPath } from 'node:url'
import { createDatabase } from '@s3verless/core'
import { fsStore } from '@s3verless/core/fs'
import { afterEach, describe, expect, it } from 'vitest'
import { dataDir } from './cli-harness.js'
import { PlainItem } from './fixtures/plain-item.js'
import { runBin } from './process-harness.js'

const catalog = fileURLToPath(new URL('./fixtures/catalog.ts', import.meta.url))
const demo = fileURLToPath(new URL('../src/demo/demo-models.ts', import.meta.url))
const helloApp = fileURLToPath(new URL('./fixtures/hello-app.ts', import.meta.url))
let cleanup: (() => Promise<void>) | undefined
afterEach(() => cleanup?.())

describe('s3verless inspect (as a process)', { timeout: 180_000 }, () => {
  it('describes models, fields, relations, access rules and routes as JSON', async () => {
    const dir = await dataDir([])
    cleanup = dir.cleanup
    const run = await runBin(['inspect', '--models', demo, '--app', demo, '--model', 'reviews', '--data', dir.root, '--json'])
    expect(run).toMatchObject({ code: 0, stderr: '' })
    const out = JSON.parse(run.stdout)
    expect(out.store).toBe(`data directory ${dir.root}`)
    expect(out.models).toEqual([
      {
        name: 'Review',
        plural: 'reviews',
        fields: [
          { name: 'productId', type: 'string', optional: false, nullable: false },
          { name: 'rating', type: 'number', optional: false, nullable: false },
          { name: 'text', type: 'string', optional: true, nullable: false },
          { name: 'authorId', type: 'string', optional: true, nullable: false },
        ],
        unique: [],
        indexed: ['productId', 'authorId'],
        indexedDescending: [],
        ownerField: 'authorId',
        hidden: [],
        relations: [{ name: 'product', kind: 'belongsTo', model: 'Product', foreignKey: 'productId', onDelete: 'cascade' }],
        access: { list: 'owner', get: 'owner', create: 'owner', update: 'owner', delete: 'owner' },
        version: 1,
        indexes: { ready: ['asc:productId', 'asc:authorId'], building: [] },
      },
    ])
    const routes = (out.routes as { method: string; path: string }[]).map((r) => `${r.method} ${r.path}`)
    expect(routes).toEqual(
      expect.arrayContaining(['GET /reviews', 'POST /reviews', 'GET /reviews/:id', 'PATCH /reviews/:id', 'DELETE /reviews/:id']),
    )
    expect(routes).toEqual(expect.arrayContaining(['GET /products', 'POST /auth/login', 'GET /health', 'GET /openapi.json']))
  })

  it('shows the index catalog: declared but not built before reindex; text output; a ready app’s routes', async () => {
    const dir = await dataDir([])
    cleanup = dir.cleanup
    const store = fsStore({ root: dir.root, durable: false })
    await createDatabase({ store, models: [PlainItem] })
      .repository(PlainItem)
      .create({ sku: 'S-1', category: 'a', price: 1 })
    const run = await runBin(['inspect', '--models', catalog, '--app', helloApp, '--data', dir.root])
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(/^Item {2}\/items\n {2}sku +string +unique\n {2}category +string +indexed\n {2}price +number\n/)
    expect(run.stdout).toContain('  access: list public, get public, create public, update public, delete public\n')
    expect(run.stdout).toContain('  indexes ready: none\n  indexes NOT built: asc:category, unique:sku (run s3verless reindex Item)\n')
    expect(run.stdout).toMatch(/\nRoutes:\n {2}GET +\/\n {2}GET +\/items\/:id\n {2}POST +\/items\n$/)
  })

  it('reports index states as unknown without a data directory, and usage errors with exit code 2', async () => {
    const none = await runBin(['inspect', '--models', catalog, '--data', '/nonexistent-s3verless-dir', '--json'])
    expect(none.code).toBe(0)
    const out = JSON.parse(none.stdout)
    expect(out.store).toMatch(/^no store \(No data directory at \/nonexistent-s3verless-dir/)
    expect(out.models.map((m: { name: string; indexes: unknown }) => [m.name, m.indexes])).toEqual([
      ['Item', null],
      ['User', null],
    ])
    const usage = await runBin(['inspect'])
    expect(usage.code).toBe(2)
    expect(usage.stderr).toMatch(/^s3verless inspect: --models <module> is required/)
  })
})

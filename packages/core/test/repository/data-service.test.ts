import { describe, expect, it } from 'vitest'
import { memoryStore, S3ClientManager, S3DataService, uuidv7 } from '../../src/index.js'
import { lamp, Product } from './fixtures.js'

describe('S3DataService (the spec API)', () => {
  it('does CRUD with the client passed to each call', async () => {
    const service = new S3DataService(Product, 'my-bucket')
    const client = memoryStore()
    const p = await service.create(client, lamp())
    expect(await service.exists(client, p.id)).toBe(true)
    expect((await service.get(client, p.id))?.sku).toBe('L-1')
    expect((await service.update(client, p.id, { price: 12 }))?.price).toBe(12)
    expect(await service.update(client, uuidv7(), { price: 1 })).toBeNull()
    await service.create(client, lamp({ sku: 'L-2' }))
    const [items, marker] = await service.listByPrefix(client, 1)
    expect(items).toHaveLength(1)
    const [rest, end] = await service.listByPrefix(client, 1, marker)
    expect(rest[0]?.sku).toBe('L-2')
    expect(end).toBeUndefined()
    expect(await service.paginate(client, 1, 20)).toMatchObject({ totalCount: 2, totalPages: 1 })
    const streamed: string[] = []
    for await (const product of service.iterate(client, { window: 1 })) streamed.push(product.sku)
    expect(streamed).toEqual(['L-1', 'L-2'])
    expect(await service.delete(client, p.id)).toBe(true)
    expect(await service.get(client, p.id)).toBeNull()
    expect((await service.create(client, lamp({ sku: 'L-2' })).catch((e) => e)).code).toBe('model.unique')
  })

  it('accepts an S3ClientManager or an SDK client and binds them to its bucket', () => {
    const manager = new S3ClientManager({ endpoint: 'http://127.0.0.1:9', accessKeyId: 'k', secretAccessKey: 's' })
    const service = new S3DataService(Product, 'named-bucket')
    const viaManager = (service as unknown as { repo(c: unknown): { core: { store: { bucket: string } } } }).repo(manager)
    expect(viaManager.core.store.bucket).toBe('named-bucket')
    const viaClient = (service as unknown as { repo(c: unknown): { core: { store: { bucket: string; name: string } } } }).repo(
      manager.getClient(),
    )
    expect(viaClient.core.store).toMatchObject({ bucket: 'named-bucket', name: 's3' })
    manager.destroy()
  })
})

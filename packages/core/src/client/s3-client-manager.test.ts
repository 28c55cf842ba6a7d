import { describe, expect, it } from 'vitest'
import { createSettings } from '../settings/settings.js'
import { S3ClientManager } from './s3-client-manager.js'

describe('S3ClientManager', () => {
  it('shares one client per configuration', () => {
    const a = new S3ClientManager({ endpoint: 'http://127.0.0.1:9', accessKeyId: 'k', secretAccessKey: 's' })
    const b = new S3ClientManager({ endpoint: 'http://127.0.0.1:9', accessKeyId: 'k', secretAccessKey: 's' })
    const c = new S3ClientManager({ endpoint: 'http://127.0.0.1:10', accessKeyId: 'k', secretAccessKey: 's' })
    expect(a.getClient()).toBe(b.getSyncClient())
    expect(a.getClient()).not.toBe(c.getClient())
    a.destroy()
    b.destroy()
    c.destroy()
  })

  it('builds from settings and asks for a bucket only when a store needs one', async () => {
    const manager = new S3ClientManager(createSettings({ awsEndpointUrl: 'http://127.0.0.1:9' }))
    expect(await manager.getAsyncClient()).toBe(manager.getClient())
    expect(() => manager.store()).toThrow(/AWS_BUCKET_NAME is required for an S3 store/)
    expect(manager.store('explicit').bucket).toBe('explicit')
    manager.destroy()
  })

  it('reports an unreachable endpoint as unavailable, after retrying', async () => {
    const manager = new S3ClientManager({
      endpoint: 'http://127.0.0.1:9',
      accessKeyId: 'k',
      secretAccessKey: 's',
      retry: { maxAttempts: 2, baseDelayMs: 1 },
    })
    const error = await manager
      .store('b')
      .get('k')
      .catch((e) => e)
    expect(error.code).toBe('store.unavailable')
    expect(manager.stats()).toMatchObject({ retries: 1, requests: { GetObject: 2 }, errors: { 'store.unavailable': 2 } })
    manager.destroy()
  })
})

import { describe, expect, it } from 'vitest'
import { createTestBucket, S3_SKIP_REASON, s3TestServer } from '../src/index.js'

const server = s3TestServer()
if (!server) console.warn(`\n!!! SKIPPED: S3ClientManager against a real S3 server: ${S3_SKIP_REASON}\n`)

describe.skipIf(!server)('S3ClientManager against a real S3 server', () => {
  it('counts requests by operation and reports latency percentiles', async () => {
    const { store, manager } = await createTestBucket(server!)
    const before = manager.stats()
    await store.put('a', 'x')
    await store.get('a')
    await store.get('missing')
    await store.list('')
    const after = manager.stats()
    expect((after.requests.PutObject ?? 0) - (before.requests.PutObject ?? 0)).toBe(1)
    expect((after.requests.GetObject ?? 0) - (before.requests.GetObject ?? 0)).toBe(2)
    expect((after.requests.ListObjectsV2 ?? 0) - (before.requests.ListObjectsV2 ?? 0)).toBe(1)
    expect(after.latencyMs.samples).toBeGreaterThanOrEqual(4)
    expect(after.latencyMs.p99).toBeGreaterThanOrEqual(after.latencyMs.p50)
    expect(after.latencyMs.p50).toBeGreaterThan(0)
  })

  it('refuses wrong credentials with access denied', async () => {
    const { bucket } = await createTestBucket(server!)
    const { S3ClientManager } = await import('@s3verless/core')
    const manager = new S3ClientManager({
      endpoint: server!.endpoint,
      accessKeyId: server!.accessKeyId,
      secretAccessKey: 'wrong-secret',
      bucket,
    })
    const error = await manager
      .store()
      .get('k')
      .catch((e) => e)
    expect(error.code).toBe('store.accessDenied')
    manager.destroy()
  })
})

import { S3ClientManager, type S3Store } from '@s3verless/core'

/** Where the real S3 server for tests is, read from `S3_TEST_*` environment variables. */
export interface S3TestServer {
  endpoint: string
  accessKeyId: string
  secretAccessKey: string
  provider: 'aws' | 'ceph'
}

/**
 * The test S3 server from `S3_TEST_ENDPOINT` (plus `S3_TEST_ACCESS_KEY_ID`, `S3_TEST_SECRET_ACCESS_KEY`,
 * `S3_TEST_PROVIDER`), or `undefined` when none is configured. Under CI (`CI=true`) a missing server is
 * an error, so a suite can never pass by skipping its real-S3 tests there.
 */
export function s3TestServer(env: Record<string, string | undefined> = process.env): S3TestServer | undefined {
  const endpoint = env.S3_TEST_ENDPOINT
  if (!endpoint) {
    if (env.CI === 'true' || env.CI === '1') {
      throw new Error(
        'CI is set but S3_TEST_ENDPOINT is not: the real-S3 (Ceph RGW) suites must run in CI. Start it with scripts/s3-server.sh start',
      )
    }
    return undefined
  }
  return {
    endpoint,
    accessKeyId: env.S3_TEST_ACCESS_KEY_ID ?? 's3verless',
    secretAccessKey: env.S3_TEST_SECRET_ACCESS_KEY ?? 's3verless-test-secret',
    provider: env.S3_TEST_PROVIDER === 'aws' ? 'aws' : 'ceph',
  }
}

/** The reason to print when a real-S3 suite is skipped. */
export const S3_SKIP_REASON =
  'S3_TEST_ENDPOINT is not set: start a real S3 server with `scripts/s3-server.sh start` (npm test does this for you)'

/**
 * A client manager for an existing bucket on the test server (path-style, the server's provider
 * quirks): for a second client of one bucket, or a worker process handed the bucket's name.
 */
export function testBucketManager(server: S3TestServer, bucket: string): S3ClientManager {
  return new S3ClientManager({
    endpoint: server.endpoint,
    accessKeyId: server.accessKeyId,
    secretAccessKey: server.secretAccessKey,
    region: 'us-east-1',
    forcePathStyle: true,
    provider: server.provider,
    bucket,
  })
}

/** Creates a fresh bucket on the test server and returns a store on it (and its manager). */
export async function createTestBucket(
  server: S3TestServer,
  name = `t-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`,
): Promise<{ store: S3Store; manager: S3ClientManager; bucket: string }> {
  const manager = testBucketManager(server, name)
  await manager.createBucket(name)
  return { store: manager.store(), manager, bucket: name }
}

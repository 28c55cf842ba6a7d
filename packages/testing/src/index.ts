export type { S3TestServer } from './s3-test-server.js'
export { createTestBucket, S3_SKIP_REASON, s3TestServer, testBucketManager } from './s3-test-server.js'
export type { ConformanceOptions } from './store-conformance.js'
export { runStoreConformance } from './store-conformance.js'

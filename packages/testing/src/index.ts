export type { Factory, FactoryOptions, FieldContext, FieldGenerator, Overrides } from './factory/factory.js'
export { defineFactory, FACTORY_REFERENCE_DATE, seededFaker } from './factory/factory.js'
export type { FaultSpec, S3Operation } from './in-memory-s3/faults.js'
export type { InMemoryS3Options } from './in-memory-s3/in-memory-s3.js'
export { InMemoryS3, mockS3Client } from './in-memory-s3/in-memory-s3.js'
export { S3ServiceError } from './in-memory-s3/s3-error.js'
export type {
  BodyInput,
  BodyOutput,
  CopyObjectInput,
  CopyObjectOutput,
  DeleteObjectInput,
  DeleteObjectsInput,
  DeleteObjectsOutput,
  GetObjectInput,
  GetObjectOutput,
  HeadObjectOutput,
  ListObjectsV2Input,
  ListObjectsV2Output,
  PutObjectInput,
  PutObjectOutput,
  RecordedRequest,
} from './in-memory-s3/shapes.js'
export type { S3TestServer } from './s3-test-server.js'
export { createTestBucket, S3_SKIP_REASON, s3TestServer, testBucketManager } from './s3-test-server.js'
export type { SeedOptions, SeedProgress, SeedReport } from './seed/seed.js'
export { clearModel, seedModel } from './seed/seed.js'
export type { SeedRecord } from './seed/seed-records.js'
export { parseSeedText, stableId } from './seed/seed-records.js'
export type { ConformanceOptions } from './store-conformance.js'
export { runStoreConformance } from './store-conformance.js'

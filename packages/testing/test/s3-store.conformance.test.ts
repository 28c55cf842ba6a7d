import { createTestBucket, runStoreConformance, S3_SKIP_REASON, s3TestServer } from '../src/index.js'

const server = s3TestServer()

runStoreConformance(
  `s3Store on ${server?.endpoint ?? 'a real S3 server'} (${server?.provider ?? 'none'})`,
  async () => (await createTestBucket(server!)).store,
  {
    ...(server ? {} : { skip: S3_SKIP_REASON }),
  },
)

import { S3ClientManager, s3Store } from '@s3verless/core'
import { InMemoryS3, runStoreConformance } from '../src/index.js'

// The port's suite through s3Store's whole S3 path (requests, XML, headers, error translation),
// answered by InMemoryS3: given as an SDK client, and through S3ClientManager's fetch client.
const asSdkClient = new InMemoryS3({ buckets: ['conformance'] })
runStoreConformance('s3Store on InMemoryS3 (as an SDK client)', () => s3Store({ client: asSdkClient, bucket: 'conformance' }))

const throughManager = new InMemoryS3({ buckets: ['conformance'] })
runStoreConformance('S3ClientManager on InMemoryS3 (fetch)', () =>
  new S3ClientManager({ ...throughManager.connection(), bucket: 'conformance' }).store(),
)

const likeRgw = new InMemoryS3({ buckets: ['conformance'], conditionalDelete: false })
runStoreConformance('s3Store (provider ceph) on InMemoryS3 without conditional delete', () =>
  s3Store({ client: likeRgw, bucket: 'conformance', provider: 'ceph' }),
)

// Cold-start probe: the AWS SDK v3 S3 client (what the library used before), made and used to sign
// a request on the first fetch. Measured only; the library no longer depends on the SDK.
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3'

export default {
  async fetch(): Promise<Response> {
    const client = new S3Client({
      region: 'us-east-1',
      endpoint: 'http://127.0.0.1:9',
      forcePathStyle: true,
      credentials: { accessKeyId: 'k', secretAccessKey: 's' },
    })
    const command = new GetObjectCommand({ Bucket: 'b', Key: 'k' })
    command.middlewareStack.add(() => async () => ({ output: {}, response: {} }) as never, { step: 'finalizeRequest', priority: 'low' })
    return new Response(JSON.stringify(await client.send(command).catch((e: Error) => e.message)))
  },
}

// Cold-start probe: the fetch-based S3 client, made and used to sign a request on the first fetch.
import { S3FetchClient } from '@s3verless/core'

export default {
  async fetch(): Promise<Response> {
    const client = new S3FetchClient({ endpoint: 'http://127.0.0.1:9', credentials: { accessKeyId: 'k', secretAccessKey: 's' } })
    return new Response(await client.presign({ method: 'GET', bucket: 'b', key: 'k', expiresIn: 60 }))
  },
}

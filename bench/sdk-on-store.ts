/**
 * For the benchmark's own test only: the four SDK commands the raw floor sends (GetObject,
 * PutObject, ListObjectsV2, DeleteObjects), answered from an ObjectStore, so the floor's code runs
 * in CI without an S3 server. Nothing else of S3 is imitated (`@s3verless/testing` is where a full
 * in-memory S3 belongs).
 */
import { DeleteObjectsCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3'
import type { ObjectStore } from '@s3verless/core'
import type { SdkClient } from './raw-floor.js'

export const sdkOnStore = (store: ObjectStore): SdkClient => ({
  async send(command: object) {
    if (command instanceof PutObjectCommand) {
      const { Key, Body } = command.input
      await store.put(Key as string, Body as string)
      return {}
    }
    if (command instanceof GetObjectCommand) {
      const object = await store.get(command.input.Key as string)
      if (!object) throw Object.assign(new Error('The specified key does not exist.'), { name: 'NoSuchKey' })
      const text = new TextDecoder().decode(object.body)
      return { Body: { transformToString: async () => text } }
    }
    if (command instanceof ListObjectsV2Command) {
      const page = await store.list(command.input.Prefix ?? '', { limit: command.input.MaxKeys ?? 1000 })
      return { Contents: page.objects.map((object) => ({ Key: object.key })), IsTruncated: page.cursor !== undefined }
    }
    if (command instanceof DeleteObjectsCommand) {
      await store.deleteMany((command.input.Delete?.Objects ?? []).map((object) => object.Key as string))
      return {}
    }
    throw new Error(`sdkOnStore: ${command.constructor.name} is not answered`)
  },
})

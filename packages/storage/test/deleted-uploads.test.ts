import { instrumentStore, isS3verlessError, memoryStore } from '@s3verless/core'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { DELETED_UPLOAD_TYPE, PresignedUploadService, uploadKeyFor } from '../src/index.js'
import { bytes, failure, ID, memorySetup } from './fixtures.js'

const keyFor = (name: string, id = ID) => uploadKeyFor(name, { id, now: new Date('2026-11-26T12:00:00Z') })

/** What a presigned PUT does: write the key only if nothing is there (`If-None-Match: *` is signed). */
const presignedPut = (store: { put: ReturnType<typeof memoryStore>['put'] }, key: string, body: string) =>
  store.put(key, bytes(body), { ifNoneMatch: '*', contentType: 'image/png' })

describe('a deleted upload stays deleted', () => {
  it('a replayed upload URL cannot bring it back, and its key is never confirmable again', async () => {
    const { service, memory, store } = memorySetup()
    const key = keyFor('cat.png')
    await presignedPut(memory, key, 'meow')
    const file = await service.confirmUpload(store, key, 'alice')
    expect(file).toMatchObject({ s3Key: key, uploadedBy: 'alice' })
    expect(await service.deleteFile(store, key)).toBe(true)
    // The replay: the key is taken by the marker, so the conditional PUT fails as S3 answers it (412).
    expect(await failure(presignedPut(memory, key, 'meow again'))).toBe('store.preconditionFailed')
    expect(await failure(service.confirmUpload(store, key, 'alice'))).toBe('storage.deleted')
    expect(await failure(service.confirmUpload(store, key))).toBe('storage.deleted')
    expect(await service.getFile(store, key)).toBeNull()
    expect(await service.files(store).count()).toBe(0)
  })

  it('deleting an upload before it was made closes its URL too', async () => {
    const { service, memory, store } = memorySetup()
    const key = keyFor('cat.png')
    expect(await service.deleteFile(store, key)).toBe(false)
    expect(await failure(presignedPut(memory, key, 'late'))).toBe('store.preconditionFailed')
    expect(await failure(service.confirmUpload(store, key))).toBe('storage.deleted')
  })

  it('the marker type cannot be uploaded, so no file is ever taken for a deleted one', async () => {
    const { service, store } = memorySetup({ config: { maxFileSize: 1024 } })
    const error = await service
      .storeUpload(store, { filename: 'x.bin', contentType: DELETED_UPLOAD_TYPE, body: bytes('x') })
      .catch((e) => e)
    expect(isS3verlessError(error, 'storage.rejected')).toBe(true)
  })

  it('the cleanup removes the marker once every URL for the key has expired', async () => {
    const { service, memory, store, advance } = memorySetup()
    const key = keyFor('cat.png')
    await presignedPut(memory, key, 'meow')
    await service.confirmUpload(store, key)
    await service.deleteFile(store, key)
    expect((await service.cleanupUnconfirmed(store)).deleted).toEqual([])
    advance(60 + 600 + 1) // the URLs' lifetime plus the margin
    expect((await service.cleanupUnconfirmed(store)).deleted).toEqual([key])
    expect(memory.keys()).toEqual(expect.not.arrayContaining([key]))
  })

  it('confirm racing delete, under random schedules: no record outlives the delete, and the key stays closed', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 16, maxLength: 16 }),
        fc.integer({ min: 0, max: 6 }),
        async (delays, deleteAfter) => {
          let n = 0
          const memory = memoryStore()
          const store = instrumentStore(memory, { latencyMs: () => delays[n++ % delays.length] as number })
          const service = new PresignedUploadService({ config: { maxFileSize: 1024, allowedContentTypes: ['image/*'] } })
          const key = keyFor('cat.png')
          await presignedPut(memory, key, 'meow')
          const confirming = service.confirmUpload(store, key, 'alice').then(
            (file) => ({ file }),
            (error: unknown) => ({ error }),
          )
          await new Promise((resolve) => setTimeout(resolve, deleteAfter))
          await service.deleteFile(store, key)
          const outcome = await confirming
          if ('error' in outcome) expect(isS3verlessError(outcome.error, 'storage.deleted')).toBe(true)
          expect(await service.getFile(memory, key)).toBeNull()
          expect(await service.files(memory).count()).toBe(0)
          expect(await failure(service.confirmUpload(memory, key, 'alice'))).toBe('storage.deleted')
          expect(await failure(presignedPut(memory, key, 'again'))).toBe('store.preconditionFailed')
        },
      ),
      { numRuns: 60 },
    )
  }, 60_000)
})

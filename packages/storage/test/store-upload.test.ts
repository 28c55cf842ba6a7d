import { describe, expect, it } from 'vitest'
import { parseUploadKey } from '../src/index.js'
import { bytes, failure, memorySetup } from './fixtures.js'

/** A stream of `chunks` chunks of `size` bytes that records how many were pulled and whether it was cancelled. */
function stream(chunks: number, size: number) {
  const seen = { pulled: 0, cancelled: false }
  const body = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (seen.pulled === chunks) return controller.close()
        seen.pulled++
        controller.enqueue(new Uint8Array(size).fill(65))
      },
      cancel() {
        seen.cancelled = true
      },
    },
    { highWaterMark: 0 },
  )
  return { body, seen }
}

describe('storeUpload (the server-side path for stores without presigned URLs)', () => {
  it('stores the object create-if-absent under a generated key and records it', async () => {
    const { service, store, memory } = memorySetup()
    const file = await service.storeUpload(store, {
      filename: 'C:\\photos\\Me & you.PNG',
      body: bytes('png!'),
      uploadedBy: 'user-1',
      metadata: { album: 'Été' },
    })
    expect(parseUploadKey(file.s3Key, 'uploads/')?.id).toBe(file.id)
    expect(file.s3Key).toMatch(/^uploads\/2026\/11\/26\/[0-9a-f-]{36}\.png$/)
    expect(file).toMatchObject({
      filename: 'Me & you.PNG',
      contentType: 'image/png',
      size: 4,
      uploadedBy: 'user-1',
      isPublic: false,
      metadata: { album: 'Été' },
    })
    const object = await memory.get(file.s3Key)
    expect(object?.contentType).toBe('image/png')
    expect(new TextDecoder().decode(object?.body)).toBe('png!')
    expect(file.etag).toBe(object?.etag)
    expect(await service.getFile(store, file.s3Key)).toEqual(file)
    expect((await service.files(store).findAllBy('uploadedBy', 'user-1')).map((f) => f.id)).toEqual([file.id])
  })

  it('reads a stream and accepts exactly the limit', async () => {
    const { service, store } = memorySetup()
    const { body } = stream(4, 256)
    const file = await service.storeUpload(store, { filename: 'notes.txt', body, size: 1024 })
    expect(file).toMatchObject({ size: 1024, contentType: 'text/plain', uploadedBy: null })
  })

  it('refuses a stream as soon as it passes the limit, without reading the rest, and stores nothing', async () => {
    const { service, store, memory } = memorySetup()
    const { body, seen } = stream(1000, 300)
    expect(await failure(service.storeUpload(store, { filename: 'big.txt', body }))).toBe('storage.rejected:size')
    expect(seen.pulled).toBeLessThanOrEqual(5)
    expect(seen.cancelled).toBe(true)
    expect(memory.keys()).toEqual([])
  })

  it('checks the name, the type and a declared size before reading a byte', async () => {
    const { service, store, memory } = memorySetup()
    const cases = [
      [{ filename: 'page.html' }, 'storage.rejected:contentType'],
      [{ filename: 'cat.png', contentType: 'text/html' }, 'storage.rejected:contentType'],
      [{ filename: 'cat.png', size: 1025 }, 'storage.rejected:size'],
      [{ filename: '../../etc/passwd.png' }, 'storage.rejected:filename'],
      [{ filename: 'cat.png', metadata: { Bad_Name: 'x' } }, 'storage.rejected:metadata'],
    ] as const
    for (const [input, code] of cases) {
      const { body, seen } = stream(1, 10)
      expect(await failure(service.storeUpload(store, { ...input, body }))).toBe(code)
      expect(seen.pulled).toBe(0)
    }
    expect(memory.keys()).toEqual([])
  })

  it('refuses a body whose length is not the declared size', async () => {
    const { service, store, memory } = memorySetup()
    expect(await failure(service.storeUpload(store, { filename: 'a.txt', body: bytes('12345'), size: 4 }))).toBe('storage.rejected:size')
    expect(memory.keys()).toEqual([])
  })

  it('costs 3 PUTs (object, record, uploadedBy entry) and 1 GET (core checks a chosen id is free), once the collection exists', async () => {
    const { service, store } = memorySetup()
    await service.storeUpload(store, { filename: 'first.png', body: bytes('x') }) // creates the model's index catalog
    store.reset()
    await service.storeUpload(store, { filename: 'a.png', body: bytes('x'), uploadedBy: 'u' })
    expect(store.counts()).toMatchObject({ put: 3, get: 1, list: 0, total: 4 })
  })
})

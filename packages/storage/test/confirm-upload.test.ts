import { createDatabase, defineModel } from '@s3verless/core'
import { describe, expect, it } from 'vitest'
import * as z from 'zod'
import { DELETED_UPLOAD_TYPE, UploadedFile, uploadKeyFor } from '../src/index.js'
import { bytes, failure, ID, memorySetup } from './fixtures.js'

const at = new Date('2026-11-26T12:00:00Z')
const keyFor = (name: string, id = ID) => uploadKeyFor(name, { id, now: at })

describe('confirmUpload', () => {
  it('records an object that is there and fits the rules, with the key’s UUID as id', async () => {
    const { service, memory, store } = memorySetup()
    const key = keyFor('cat.png')
    await memory.put(key, bytes('png bytes'), { contentType: 'image/png' })
    const file = await service.confirmUpload(store, key, 'user-1')
    expect(file).toMatchObject({ id: ID, s3Key: key, filename: `${ID}.png`, contentType: 'image/png', size: 9, uploadedBy: 'user-1' })
    expect(await service.confirmUpload(store, key, 'user-1')).toEqual(file) // again: the same record
    expect(await service.confirmUpload(store, key)).toEqual(file)
    expect(await failure(service.confirmUpload(store, key, 'user-2'))).toBe('storage.forbidden')
  })

  it('answers null when no object is at the key', async () => {
    const { service, store } = memorySetup()
    expect(await service.confirmUpload(store, keyFor('cat.png'))).toBeNull()
    expect(await service.files(store).count()).toBe(0)
  })

  it.each([
    `s3verless-data/users/${ID}.json`,
    `s3verless-data/uploads/${ID}.json`,
    `s3verless-data/_unique/users/username/alice`,
    `uploads/2026/11/26/${ID}.png/../../../s3verless-data/users/${ID}.json`,
    `uploads/2026/11/26/evil-${ID}.png`,
    `elsewhere/2026/11/26/${ID}.png`,
    '',
  ])('refuses %j without a single request', async (key) => {
    const { service, store, memory } = memorySetup()
    await memory.put(`s3verless-data/users/${ID}.json`, '{"username":"alice"}')
    store.reset()
    expect(await failure(service.confirmUpload(store, key))).toBe('storage.invalidKey')
    expect(await failure(service.deleteFile(store, key))).toBe('storage.invalidKey')
    expect(await failure(service.getFile(store, key))).toBe('storage.invalidKey')
    expect(store.counts().total).toBe(0)
  })

  it('refuses another model’s record even when it sits in a database with UploadedFile', async () => {
    const { memory, store } = memorySetup()
    const Note = defineModel(z.object({ text: z.string() }), { name: 'Note' })
    const db = createDatabase({ store, models: [UploadedFile, Note] })
    const note = await db.repository(Note).create({ text: 'secret' })
    const { service } = memorySetup({ database: db })
    expect(await failure(service.confirmUpload(store, Note.getS3Key(note.id)))).toBe('storage.invalidKey')
    expect(await db.repository(UploadedFile).count()).toBe(0)
    expect(memory.keys().some((k) => k.startsWith('s3verless-data/uploads/'))).toBe(false)
  })

  it('refuses objects whose type or size break the rules, and records nothing', async () => {
    const { service, memory, store } = memorySetup()
    const html = keyFor('page.png', '0193a1b2-c3d4-7e5f-8a6b-000000000001')
    const big = keyFor('big.png', '0193a1b2-c3d4-7e5f-8a6b-000000000002')
    await memory.put(html, bytes('<script>'), { contentType: 'text/html' })
    await memory.put(big, new Uint8Array(1025), { contentType: 'image/png' })
    expect(await failure(service.confirmUpload(store, html))).toBe('storage.mismatch:contentType')
    expect(await failure(service.confirmUpload(store, big))).toBe('storage.mismatch:size')
    expect(await service.files(store).count()).toBe(0)
  })

  it('refuses an upload older than the URL lifetime plus half the cleanup margin', async () => {
    const { service, memory, store, advance } = memorySetup() // 60 s URLs, 600 s margin: a 360 s window
    const key = keyFor('cat.png')
    await memory.put(key, bytes('x'), { contentType: 'image/png' })
    advance(361)
    expect(await failure(service.confirmUpload(store, key))).toBe('storage.expired')
    advance(-2)
    expect(await service.confirmUpload(store, key)).not.toBeNull()
  })

  it('of concurrent confirmations, all answer the one record', async () => {
    const { service, memory, store } = memorySetup()
    const key = keyFor('cat.png')
    await memory.put(key, bytes('x'), { contentType: 'image/png' })
    const files = await Promise.all(Array.from({ length: 10 }, () => service.confirmUpload(store, key, 'user-1')))
    expect(new Set(files.map((f) => f?.id))).toEqual(new Set([ID]))
    expect(await service.files(store).count()).toBe(1)
  })

  it('costs 1 HEAD + 1 GET of the record, then 1 GET + 2 PUTs to create it, then 1 HEAD to check no delete came between', async () => {
    const { service, memory, store } = memorySetup()
    await service.storeUpload(store, { filename: 'first.png', body: bytes('x') }) // creates the index catalog
    const key = keyFor('cat.png')
    await memory.put(key, bytes('x'), { contentType: 'image/png' })
    store.reset()
    await service.confirmUpload(store, key, 'user-1')
    expect(store.counts()).toMatchObject({ get: 4, put: 2, list: 0, total: 6 }) // the memory store HEADs with a GET
  })
})

describe('deleteFile and getFile', () => {
  it('replaces the object by the deleted-upload marker, then deletes the record; false when neither was there', async () => {
    const { service, memory, store } = memorySetup()
    const file = await service.storeUpload(store, { filename: 'cat.png', body: bytes('x'), uploadedBy: 'u' })
    expect(await service.getFile(store, file.s3Key)).toEqual(file)
    expect(await service.deleteFile(store, file.s3Key)).toBe(true)
    expect((await memory.get(file.s3Key))?.contentType).toBe(DELETED_UPLOAD_TYPE)
    expect(await service.getFile(store, file.s3Key)).toBeNull()
    expect(await service.files(store).findAllBy('uploadedBy', 'u')).toEqual([])
    expect(await service.deleteFile(store, file.s3Key)).toBe(false)
  })

  it('deletes an object that was never confirmed, leaving only the marker at its key', async () => {
    const { service, memory, store } = memorySetup()
    const key = keyFor('cat.png')
    await memory.put(key, bytes('x'))
    expect(await service.deleteFile(store, key)).toBe(true)
    expect(memory.keys()).toEqual([key])
    expect((await memory.get(key))?.contentType).toBe(DELETED_UPLOAD_TYPE)
  })
})

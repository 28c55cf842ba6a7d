import { describe, expect, it } from 'vitest'
import { uploadKeyFor } from '../src/index.js'
import { bytes, memorySetup } from './fixtures.js'

describe('cleanupUnconfirmed', () => {
  it('removes only uploads never confirmed and older than the URL lifetime plus the margin', async () => {
    const { service, memory, store, advance } = memorySetup() // 60 s URLs + 600 s margin
    const key = (name: string) => uploadKeyFor(name, { now: new Date() })
    const confirmed = await service.storeUpload(store, { filename: 'kept.png', body: bytes('x') })
    const abandoned = key('abandoned.png')
    await memory.put(abandoned, bytes('x'), { contentType: 'image/png' })
    const foreign = 'uploads/notes/readme.txt'
    await memory.put(foreign, 'not an upload key')
    advance(600)
    const young = key('young.png')
    await memory.put(young, bytes('x'), { contentType: 'image/png' })
    advance(61) // abandoned and confirmed are 661 s old, young 61 s

    expect(await service.cleanupUnconfirmed(store, { dryRun: true })).toMatchObject({ deleted: [abandoned], scanned: 3 })
    expect(await memory.get(abandoned)).not.toBeNull()

    const report = await service.cleanupUnconfirmed(store)
    expect(report).toEqual({ scanned: 3, deleted: [abandoned], confirmed: 1, young: 1, ignored: [foreign], failed: [] })
    expect(await memory.get(abandoned)).toBeNull()
    expect(await memory.get(confirmed.s3Key)).not.toBeNull()
    expect(await memory.get(young)).not.toBeNull()
    expect(await memory.get(foreign)).not.toBeNull()
    expect(await service.getFile(store, confirmed.s3Key)).not.toBeNull()
  })

  it('never removes what confirmUpload could still confirm: the cleanup waits a half margin longer', async () => {
    const { service, memory, store, advance } = memorySetup()
    const key = uploadKeyFor('late.png', { now: new Date() })
    await memory.put(key, bytes('x'), { contentType: 'image/png' })
    advance(360) // the last second confirmUpload accepts it
    expect((await service.cleanupUnconfirmed(store)).deleted).toEqual([])
    expect(await service.confirmUpload(store, key)).not.toBeNull()
    advance(1000)
    expect((await service.cleanupUnconfirmed(store)).deleted).toEqual([])
  })

  it('lists only the upload prefix, and reads no record while nothing is old enough', async () => {
    const { service, store } = memorySetup()
    await service.storeUpload(store, { filename: 'a.png', body: bytes('x') })
    store.reset()
    await service.cleanupUnconfirmed(store)
    expect(store.counts()).toMatchObject({ list: 1, get: 0, total: 1 })
    expect(store.log()).toEqual([{ op: 'list', key: 'uploads/' }])
  })
})

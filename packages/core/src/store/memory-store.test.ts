import { describe, expect, it } from 'vitest'
import { memoryStore } from './memory-store.js'

describe('memoryStore ordering bookkeeping', () => {
  it('keeps each key once in listings after deletes and re-creates between listings', async () => {
    const store = memoryStore()
    await store.put('b', '1')
    await store.put('a', '1')
    expect(store.keys()).toEqual(['a', 'b'])
    await store.delete('a')
    await store.put('a', '2')
    await store.put('c', '1')
    await store.deleteMany(['b'])
    await store.put('b', '2')
    expect(store.keys()).toEqual(['a', 'b', 'c'])
    expect((await store.list('')).objects.map((o) => o.key)).toEqual(['a', 'b', 'c'])
  })

  it('lists a bulk load of 100,000 keys written in scrambled order in byte order', async () => {
    const store = memoryStore()
    for (let i = 0; i < 100_000; i++) await store.put(`k/${(i * 7919) % 100_000}`, '')
    const page = await store.list('k/', { limit: 3, startAfter: 'k/99' })
    expect(page.objects.map((o) => o.key)).toEqual(['k/990', 'k/9900', 'k/99000'])
    expect(store.keys()).toHaveLength(100_000)
  })
})

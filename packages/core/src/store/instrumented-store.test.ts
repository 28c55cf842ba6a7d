import { describe, expect, it } from 'vitest'
import { InjectedFault, instrumentStore } from './instrumented-store.js'
import { memoryStore } from './memory-store.js'

describe('instrumentStore', () => {
  it('counts one request per call, by operation', async () => {
    const store = instrumentStore(memoryStore())
    await store.put('a', 'x')
    await store.get('a')
    await store.get('missing')
    await store.list('')
    await store.deleteMany(['a'])
    await store.delete('a')
    expect(store.counts()).toEqual({ get: 2, put: 1, delete: 1, deleteMany: 1, list: 1, total: 6 })
    store.reset()
    expect(store.counts().total).toBe(0)
  })

  it('fails matching requests before they happen, after skipping some', async () => {
    const store = instrumentStore(memoryStore())
    store.injectFault({ op: 'put', key: /^b/, skip: 1 })
    store.injectFault({ op: 'put', key: /^c/, skip: 1, error: () => new InjectedFault('put', 'c') })
    await store.put('c1', 'x')
    await expect(store.put('c2', 'x')).rejects.toThrow(/injected fault/)
    expect(await store.get('c2')).toBeNull()
    await store.put('c3', 'x')
    expect(await store.get('c3')).not.toBeNull()
  })

  it('can apply a request and then lose its answer', async () => {
    const store = instrumentStore(memoryStore())
    store.injectFault({ op: 'put', afterRequest: true, error: () => new Error('connection reset') })
    await expect(store.put('k', 'v')).rejects.toThrow('connection reset')
    expect(await store.get('k')).not.toBeNull()
  })

  it('adds latency per request', async () => {
    const store = instrumentStore(memoryStore(), { latencyMs: 30 })
    const t0 = performance.now()
    await store.get('k')
    expect(performance.now() - t0).toBeGreaterThanOrEqual(25)
  })
})

import { instrumentStore, type ListOptions, memoryStore, Unavailable } from '@s3verless/core'
import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { healthRoute } from './health-route.js'

async function filledStore() {
  const store = instrumentStore(memoryStore(), { record: true })
  for (const key of ['a/1', 'a/2', 'b/1']) await store.put(key, '{}')
  store.reset()
  return store
}

describe('healthRoute', () => {
  it('answers 200 after exactly one list request for one key', async () => {
    const store = await filledStore()
    const seen: (ListOptions | undefined)[] = []
    const spied = {
      ...store,
      list: (prefix: string, opts?: ListOptions) => {
        seen.push(opts)
        return store.list(prefix, opts)
      },
    }
    const res = await healthRoute(spied).request('/health')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^application\/json/)
    expect(res.headers.get('cache-control')).toBe('no-store')
    const body = await res.json()
    expect(body).toEqual({ status: 'ok', store: 'memory', latencyMs: expect.any(Number) })
    expect(store.counts()).toMatchObject({ list: 1, total: 1 })
    expect(seen).toEqual([{ limit: 1 }])
  })

  it('answers HEAD with the same check and no body', async () => {
    const store = await filledStore()
    const res = await healthRoute(store).request('/health', { method: 'HEAD' })
    expect(res.status).toBe(200)
    expect(await res.text()).toBe('')
    expect(store.counts().list).toBe(1)
  })

  it('reports the time the store took', async () => {
    const store = await filledStore()
    store.setLatency(40)
    const body = (await (await healthRoute(store).request('/health')).json()) as { latencyMs: number }
    expect(body.latencyMs).toBeGreaterThanOrEqual(35)
  })

  it('answers 503 problem+json when the store fails, without echoing its message', async () => {
    const store = await filledStore()
    store.injectFault({ op: 'list', error: () => new Error('down: https://secret-endpoint') })
    const errors: unknown[] = []
    const res = await healthRoute(store, { onError: (e) => errors.push(e) }).request('/health')
    expect(res.status).toBe(503)
    expect(res.headers.get('content-type')).toBe('application/problem+json')
    expect(await res.json()).toEqual({
      type: 'about:blank',
      title: 'Service Unavailable',
      status: 503,
      detail: 'The object store (memory) did not answer a list request: it failed.',
      code: 'health.storeUnavailable',
    })
    expect(errors).toEqual([expect.objectContaining({ message: 'down: https://secret-endpoint' })])
    expect(store.counts().list).toBe(1)
  })

  it("names the store error's S3verless code", async () => {
    const store = await filledStore()
    store.injectFault({ op: 'list', error: () => new Unavailable('list', '') })
    const body = (await (await healthRoute(store).request('/health')).json()) as { detail: string }
    expect(body.detail).toBe('The object store (memory) did not answer a list request: it failed with store.unavailable.')
  })

  it('answers 503 when the store does not answer in time', async () => {
    const store = await filledStore()
    store.injectFault({ op: 'list', delayMs: 1000 })
    const started = performance.now()
    const res = await healthRoute(store, { timeoutMs: 30 }).request('/health')
    expect(performance.now() - started).toBeLessThan(500)
    expect(res.status).toBe(503)
    expect(((await res.json()) as { detail: string }).detail).toContain('no answer within 30 ms')
  })

  it('serves the configured path and lists the configured prefix, when mounted in an app', async () => {
    const store = await filledStore()
    const app = new Hono().route('/', healthRoute(store, { path: '/healthz', prefix: 'b/' }))
    expect((await app.request('/health')).status).toBe(404)
    expect((await app.request('/healthz')).status).toBe(200)
    expect(store.log()).toEqual([{ op: 'list', key: 'b/' }])
  })
})

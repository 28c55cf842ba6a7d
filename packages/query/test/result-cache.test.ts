import { InMemoryCache, repositoryCache } from '@s3verless/cache'
import { createDatabase, defineModel, instrumentStore, memoryStore } from '@s3verless/core'
import { describe, expect, it } from 'vitest'
import * as z from 'zod'
import { query } from '../src/index.js'

const Task = defineModel(z.object({ title: z.string(), done: z.boolean(), points: z.number() }), {
  name: 'Task',
  indexed: ['done', 'points'],
})

/** A store whose next record GET, once armed, answers only after `release()`: its answer is the version read before. */
function parkingStore() {
  const inner = instrumentStore(memoryStore())
  let parked: Promise<void> | undefined
  let release = () => {}
  const store = Object.assign(Object.create(inner) as typeof inner, {
    get: async (key: string, options?: { ifNoneMatch?: string }) => {
      const answer = await inner.get(key, options ?? {})
      const wait = parked
      if (wait && /tasks\/.*\.json$/.test(key)) {
        parked = undefined
        await wait
      }
      return answer
    },
  })
  return {
    store,
    arm: () => {
      parked = new Promise<void>((r) => {
        release = r
      })
    },
    release: () => release(),
  }
}

function setup(options: { withCache?: boolean; failing?: boolean } = {}) {
  const parking = parkingStore()
  const store = parking.store
  const backend = new InMemoryCache({ defaultTtl: 300 })
  if (options.failing) {
    backend.get = async () => {
      throw new Error('cache down')
    }
  }
  const db = createDatabase({
    store,
    models: [Task],
    ...(options.withCache === false ? {} : { cache: { backend: repositoryCache(backend) } }),
  })
  const tasks = db.repository(Task)
  return { store, tasks, parking, q: () => query(tasks, { cacheResults: { ttlSeconds: 60 } }) }
}

const titles = (rows: { title: string }[]) => rows.map((r) => r.title).sort()

describe('cached query results', () => {
  it('serve a repeated query with no request', async () => {
    const { store, tasks, q } = setup()
    await tasks.createMany([
      { title: 'a', done: false, points: 1 },
      { title: 'b', done: true, points: 2 },
    ])
    expect(titles(await q().filter({ done: false }).all())).toEqual(['a'])
    store.reset()
    expect(titles(await q().filter({ done: false }).all())).toEqual(['a'])
    expect(await q().filter({ done: false }).all()).toEqual(await q().filter({ done: false }).all())
    expect(store.counts().total).toBe(0)
    await q().filter({ points__gte: 1 }).count()
    store.reset()
    expect(await q().filter({ points__gte: 1 }).count()).toBe(2)
    expect(store.counts().total).toBe(0)
  })

  it('never return the pre-write result after a write through the same database', async () => {
    const { tasks, q } = setup()
    const a = await tasks.create({ title: 'a', done: false, points: 1 })
    const open = () => q().filter({ done: false }).orderBy('points')
    expect(titles(await open().all())).toEqual(['a'])
    expect(await open().count()).toBe(1)
    const b = await tasks.create({ title: 'b', done: false, points: 2 })
    expect(titles(await open().all())).toEqual(['a', 'b'])
    expect(await open().count()).toBe(2)
    await tasks.update(a.id, { done: true })
    expect(titles(await open().all())).toEqual(['b'])
    expect((await open().paginate(1, 10)).totalCount).toBe(1)
    await tasks.update(b.id, (t) => ({ points: t.points + 10 }))
    expect((await open().first())?.points).toBe(12)
    await tasks.delete(b.id)
    expect(await open().all()).toEqual([])
    expect(await open().exists()).toBe(false)
  })

  it('do not store a result computed while a write was under way', async () => {
    const { tasks, q, parking } = setup()
    const a = await tasks.create({ title: 'a', done: false, points: 1 })
    parking.arm()
    const slow = q().filter({ done: false }).all() // has read the old version, answers after the write
    await new Promise((r) => setTimeout(r, 20))
    await tasks.update(a.id, { title: 'renamed' })
    parking.release()
    expect(titles(await slow)).toEqual(['a'])
    expect(titles(await q().filter({ done: false }).all())).toEqual(['renamed'])
  })

  it('fall back to the store when the cache fails, and do nothing without a cache', async () => {
    const failing = setup({ failing: true })
    await failing.tasks.create({ title: 'x', done: false, points: 1 })
    expect(titles(await failing.q().filter({ done: false }).all())).toEqual(['x'])
    const none = setup({ withCache: false })
    await none.tasks.create({ title: 'y', done: false, points: 1 })
    await none.q().filter({ done: false }).all()
    none.store.reset()
    await none.q().filter({ done: false }).all()
    expect(none.store.counts().total).toBe(2)
  })

  it('can be switched on per query', async () => {
    const { store, tasks } = setup()
    await tasks.create({ title: 'a', done: false, points: 1 })
    await query(tasks).filter({ done: false }).cached(5).all()
    store.reset()
    await query(tasks).filter({ done: false }).cached(5).all()
    expect(store.counts().total).toBe(0)
    await query(tasks).filter({ done: false }).all()
    expect(store.counts().total).toBe(2)
    expect(() => query(tasks).cached(0)).toThrow(/ttlSeconds must be a positive number/)
  })
})

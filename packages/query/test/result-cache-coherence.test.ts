import { type CacheBackend, CompositeCache, InMemoryCache, LRUCache, repositoryCache } from '@s3verless/cache'
import { createDatabase, defineModel, memoryStore, type ObjectStore } from '@s3verless/core'
import { describe, expect, it } from 'vitest'
import * as z from 'zod'
// Tier wrappers shared with the cache package's own tests.
import { flakyTier, gatedTier } from '../../cache/test/tiers.js'
import { query } from '../src/index.js'
import { throughResultCache } from '../src/result-cache.js'

const Task = defineModel(z.object({ title: z.string(), done: z.boolean(), points: z.number() }), {
  name: 'Task',
  indexed: ['done', 'points'],
})

interface Gate {
  reached: Promise<void>
  release: () => void
}

const newGate = () => {
  let arrive = () => {}
  let release = () => {}
  const reached = new Promise<void>((r) => {
    arrive = r
  })
  const until = new Promise<void>((r) => {
    release = r
  })
  return { reached, release, arrive, until }
}

/** A store whose next operation of a kind on a matching key, once armed, is held: a `get`/`list` after the store answered, a removal before it runs. */
function holdingStore(inner: ObjectStore) {
  const holds: { op: 'list' | 'remove'; match: (key: string) => boolean; gate: ReturnType<typeof newGate> }[] = []
  const take = (op: 'list' | 'remove', keys: readonly string[]) => {
    const i = holds.findIndex((h) => h.op === op && keys.some(h.match))
    return i < 0 ? undefined : holds.splice(i, 1)[0]
  }
  const store: ObjectStore = {
    ...inner,
    list: async (prefix, options) => {
      const answer = await inner.list(prefix, options)
      const h = take('list', [prefix])
      if (h) {
        h.gate.arrive()
        await h.gate.until
      }
      return answer
    },
    delete: async (key, options) => {
      const h = take('remove', [key])
      if (h) {
        h.gate.arrive()
        await h.gate.until
      }
      return inner.delete(key, options)
    },
    deleteMany: async (keys) => {
      const h = take('remove', keys)
      if (h) {
        h.gate.arrive()
        await h.gate.until
      }
      return inner.deleteMany(keys)
    },
  }
  return {
    store,
    hold(op: 'list' | 'remove', match: (key: string) => boolean): Gate {
      const gate = newGate()
      holds.push({ op, match, gate })
      return gate
    },
  }
}

const isIndexKey = (key: string) => key.includes('/_index/')

function setup(backend: CacheBackend = new InMemoryCache(), store: ObjectStore = memoryStore()) {
  const db = createDatabase({ store, models: [Task], cache: { backend: repositoryCache(backend), mode: 'ttl' } })
  const tasks = db.repository(Task)
  return { db, tasks, q: () => query(tasks, { cacheResults: { ttlSeconds: 60 } }) }
}

describe('cached query results stay coherent with the writes (issue 9)', () => {
  it('item 9: a count promoted from a slow tier does not survive the create that invalidated it', async () => {
    const l1 = new LRUCache()
    const l2 = gatedTier(new InMemoryCache())
    const { tasks, q } = setup(new CompositeCache([l1, l2.tier]))
    await tasks.create({ title: 'a', done: false, points: 1 })
    expect(await q().filter({ done: false }).count()).toBe(1)
    await l1.clear() // L1 lost its copy: the next count is answered by L2
    const gate = l2.holdNextGet((key) => key.includes(':query:'))
    const counting = q().filter({ done: false }).count()
    await gate.reached
    await tasks.create({ title: 'b', done: false, points: 2 })
    gate.release()
    await counting
    expect(await q().filter({ done: false }).count()).toBe(2)
  })

  it("item 10: a tier that cannot drop the model's results does not serve a stale count", async () => {
    const l1 = flakyTier(new LRUCache())
    const { tasks, q, db } = setup(new CompositeCache([l1.tier, new InMemoryCache()]))
    await tasks.create({ title: 'a', done: false, points: 1 })
    expect(await q().filter({ done: false }).count()).toBe(1)
    l1.state.failing = true
    await tasks.create({ title: 'b', done: false, points: 2 })
    expect(await q().filter({ done: false }).count()).toBe(2)
    expect(db.cacheStats().errors).toBeGreaterThan(0)
  })

  it.each(['delete', 'update'] as const)(
    'item 11: a count taken while a %s removes the old index entry is not kept once the write returned',
    async (write) => {
      const holding = holdingStore(memoryStore())
      const { tasks, q } = setup(new InMemoryCache(), holding.store)
      const { id } = await tasks.create({ title: 'a', done: false, points: 1 })
      const removal = holding.hold('remove', (key) => isIndexKey(key) && key.includes('/done/'))
      const writing = write === 'delete' ? tasks.delete(id) : tasks.update(id, { done: true })
      await removal.reached // the record is written; its old `done` entry is still listed
      expect(await q().filter({ done: false }).count()).toBeLessThanOrEqual(1) // concurrent with the write: 1 or 0
      removal.release()
      await writing
      expect(await q().filter({ done: false }).count()).toBe(0)
    },
  )

  describe('item 12: result keys are the cache package’s canonical keys', () => {
    it('tells Infinity from -Infinity', async () => {
      const { tasks, q } = setup()
      await tasks.createMany([
        { title: 'a', done: false, points: 1 },
        { title: 'b', done: false, points: 2 },
      ])
      expect(await q().filter({ points__lt: Number.POSITIVE_INFINITY }).count()).toBe(2)
      expect(await q().filter({ points__lt: Number.NEGATIVE_INFINITY }).count()).toBe(0)
      expect(await q().filter({ points__gt: Number.NEGATIVE_INFINITY }).count()).toBe(2)
    })

    it('caches a query with a bigint operand as it runs one uncached', async () => {
      const { tasks, q } = setup()
      await tasks.create({ title: 'a', done: false, points: 5 })
      const outcome = (run: () => Promise<number>) =>
        Promise.resolve()
          .then(run)
          .then(
            (n) => ({ n }),
            (e: { code?: string; name?: string }) => ({ error: e.code ?? e.name }),
          )
      const uncached = () =>
        query(tasks)
          .filter({ points__gt: 1n as unknown as number })
          .count()
      const cached = () =>
        q()
          .filter({ points__gt: 1n as unknown as number })
          .count()
      expect(await outcome(cached)).toEqual(await outcome(uncached))
      expect(await outcome(cached)).toEqual({ error: 'query.invalidFilter' }) // a bigint is not a number operand
    })

    it('keeps maxScan in the key: a cached scan result never answers a query that must refuse the scan', async () => {
      const { tasks, q } = setup()
      await tasks.createMany([
        { title: 'a', done: false, points: 1 },
        { title: 'b', done: true, points: 2 },
      ])
      expect(await q().filter({ title__startswith: 'a' }).count({ exact: true })).toBe(1) // a full scan, cached
      await expect(q().filter({ title__startswith: 'a' }).maxScan(1).count({ exact: true })).rejects.toMatchObject({
        code: 'query.tooExpensive',
      })
      expect(await q().filter({ title__startswith: 'a' }).maxScan(5).count({ exact: true })).toBe(1)
    })

    it('gives parameters written in another key order the same entry', async () => {
      const { db } = setup()
      const core = db.repository(Task).core
      const codec = { toCache: (n: number) => n, fromCache: (c: unknown) => (typeof c === 'number' ? c : undefined) }
      expect(await throughResultCache(core, 60, { a: 1, b: [{ x: 1, y: 2 }] }, codec, async () => 7)).toBe(7)
      expect(await throughResultCache(core, 60, { b: [{ y: 2, x: 1 }], a: 1 }, codec, async () => 8)).toBe(7)
    })
  })

  it('item 13: a slow count of one database is not kept after another database sharing the backend wrote', async () => {
    const memory = memoryStore()
    const holding = holdingStore(memory)
    const shared = new InMemoryCache()
    const a = setup(shared, memory)
    const b = setup(shared, holding.store)
    await a.tasks.create({ title: 'a', done: false, points: 1 })
    const listed = holding.hold('list', isIndexKey)
    const slow = b.q().filter({ done: false }).count() // has listed one entry; stores its count after a's create
    await listed.reached
    await a.tasks.create({ title: 'b', done: false, points: 2 })
    listed.release()
    expect(await slow).toBe(1)
    expect(await a.q().filter({ done: false }).count()).toBe(2)
  })
})

import type { ObjectStore } from '@s3verless/core'
import type { CacheBackend } from '../../src/index.js'
import type { Random } from './random.js'

/** How a wrapped tier misbehaves. */
export interface Faults {
  /** Most event-loop turns an operation waits before it takes effect, and again before it answers (one answer in ten may take up to 8 times longer). */
  latency?: number
  /** Probability that a `set`, `delete`, `deletePattern` or `clear` throws without taking effect. */
  writeFailure?: number
  /** Probability that a `get` or `exists` throws. */
  readFailure?: number
}

/**
 * A tier that is slow and/or fails. Operations take effect in the order they were issued (as on an
 * in-process tier or one connection to a server), each after a random delay, and answer after another.
 */
export function faultyTier(inner: CacheBackend, rnd: Random, faults: Faults): CacheBackend {
  let queue: Promise<unknown> = Promise.resolve()
  const run = <R>(kind: 'read' | 'write', op: () => Promise<R>): Promise<R> => {
    const fails = rnd.chance(kind === 'read' ? (faults.readFailure ?? 0) : (faults.writeFailure ?? 0))
    const effect = queue.then(async () => {
      await rnd.yields(faults.latency ?? 0)
      if (fails) throw new Error(`injected ${kind} failure`)
      return op()
    })
    queue = effect.catch(() => undefined)
    return effect.then(async (value) => {
      await rnd.yields((faults.latency ?? 0) * (rnd.chance(0.1) ? 8 : 1))
      return value
    })
  }
  return {
    get: <T>(key: string) => run('read', () => inner.get<T>(key)),
    set: (key, value, ttl) => run('write', () => inner.set(key, value, ttl)),
    delete: (key) => run('write', () => inner.delete(key)),
    exists: (key) => run('read', () => inner.exists(key)),
    clear: () => run('write', () => inner.clear()),
    deletePattern: (pattern) => run('write', () => inner.deletePattern(pattern)),
    stats: () => inner.stats(),
  }
}

/** A store whose every operation waits a random number of event-loop turns before and after it takes effect. */
export function slowStore(inner: ObjectStore, rnd: Random, latency: number): ObjectStore {
  const slow =
    <A extends unknown[], R>(op: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      await rnd.yields(latency)
      const answer = await op(...args)
      await rnd.yields(latency)
      return answer
    }
  return {
    ...inner,
    get: slow(inner.get.bind(inner)) as ObjectStore['get'],
    put: slow(inner.put.bind(inner)) as ObjectStore['put'],
    delete: slow(inner.delete.bind(inner)) as ObjectStore['delete'],
    deleteMany: slow(inner.deleteMany.bind(inner)) as ObjectStore['deleteMany'],
    list: slow(inner.list.bind(inner)) as ObjectStore['list'],
  }
}

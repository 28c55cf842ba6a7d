import type { ObjectStore } from '@s3verless/core'
import type { CacheBackend } from '../src/index.js'

/** A gate: `reached` resolves when the held operation got its answer; `release()` lets it return that answer. */
export interface Gate {
  reached: Promise<void>
  release: () => void
}

const gate = (): Gate & { arrive: () => void; until: Promise<void> } => {
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

/**
 * Wraps a tier so that its next `get` of a key matching `match` takes its answer at once but returns
 * it only when released: the answer is then the value the tier held before anything that lands meanwhile.
 */
export function gatedTier(inner: CacheBackend) {
  let held: { match: (key: string) => boolean; gate: ReturnType<typeof gate> } | undefined
  const tier: CacheBackend = {
    get: async <T>(key: string) => {
      const answer = await inner.get<T>(key)
      const h = held
      if (h?.match(key)) {
        held = undefined
        h.gate.arrive()
        await h.gate.until
      }
      return answer
    },
    set: (key, value, ttl) => inner.set(key, value, ttl),
    delete: (key) => inner.delete(key),
    exists: (key) => inner.exists(key),
    clear: () => inner.clear(),
    deletePattern: (pattern) => inner.deletePattern(pattern),
    stats: () => inner.stats(),
  }
  return {
    tier,
    inner,
    /** Holds the next `get` of a matching key. */
    holdNextGet(match: (key: string) => boolean): Gate {
      const g = gate()
      held = { match, gate: g }
      return g
    },
  }
}

/** Wraps a tier whose writes (`set`, `delete`, `deletePattern`, `clear`) fail while `failing` is true; reads keep working. */
export function flakyTier(inner: CacheBackend) {
  const state = { failing: false }
  const guard =
    <A extends unknown[], R>(op: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      if (state.failing) throw new Error('tier refuses writes')
      return op(...args)
    }
  const tier: CacheBackend = {
    get: (key) => inner.get(key),
    set: guard((key: string, value: unknown, ttl?: number) => inner.set(key, value, ttl)),
    delete: guard((key: string) => inner.delete(key)),
    exists: (key) => inner.exists(key),
    clear: guard(() => inner.clear()),
    deletePattern: guard((pattern: string) => inner.deletePattern(pattern)),
    stats: () => inner.stats(),
  }
  return { tier, inner, state }
}

/** Wraps a store so that its next `get` of a matching key takes the store's answer at once and returns it when released. */
export function gatedStore(inner: ObjectStore) {
  let held: { match: (key: string) => boolean; gate: ReturnType<typeof gate> } | undefined
  const get = async (key: string, options: { ifNoneMatch?: string } = {}) => {
    const answer = await inner.get(key, options)
    const h = held
    if (h?.match(key)) {
      held = undefined
      h.gate.arrive()
      await h.gate.until
    }
    return answer
  }
  return {
    store: { ...inner, get: get as ObjectStore['get'] } satisfies ObjectStore,
    holdNextGet(match: (key: string) => boolean): Gate {
      const g = gate()
      held = { match, gate: g }
      return g
    },
  }
}

/** True for the key of a record object (not an index entry, claim or catalog). */
export const isRecordKey = (key: string) => /\/[0-9a-f-]{36}\.json$/.test(key) && !key.includes('/_')

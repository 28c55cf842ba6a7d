import type { CacheBackend } from '../../src/index.js'
import { globMatcher } from '../../src/index.js'
import { type Random, random } from './random.js'

/** One run of the backend checker: the cache under test (built from the run's PRNG) and the load. */
export interface BackendRun {
  seed: number
  build: (rnd: Random) => CacheBackend
  workers?: number
  opsPerWorker?: number
}

/** A write to the cache: which keys it touches, the value it wrote (for a `set`), and when it was issued and settled. */
interface Write {
  touches: (key: string) => boolean
  value?: string
  start: number
  end: number
}

interface Read {
  key: string
  value: unknown
  start: number
  end: number
  worker: number
}

const KEYS = ['a', 'b', 'g:1', 'g:2'] as const
const PATTERN = 'g:*'

/**
 * Random concurrent `get`, `set`, `delete`, `deletePattern` and `clear` calls from several workers
 * on a few keys; returns every read that broke the rule a cache must keep whatever its tiers do:
 * **no resurrection** — a `get` never returns a value that a later write had replaced (or removed)
 * before the `get` began. (A miss is always allowed: caches may forget.) Read-after-own-write is the
 * special case where the later write is the reader's own. A write that rejected counts too: it may
 * have landed anywhere, but it must not let an older value come back.
 */
export async function checkBackend(run: BackendRun): Promise<string[]> {
  const rnd = random(run.seed)
  const cache = run.build(rnd)
  let clock = 0
  const writes: Write[] = []
  const reads: Read[] = []
  const writers = new Map<string, Write>()
  let n = 0
  const worker = async (w: number) => {
    for (let i = 0; i < (run.opsPerWorker ?? 60); i++) {
      await rnd.yields(2)
      const roll = rnd.next()
      const key = rnd.pick(KEYS)
      const start = ++clock
      if (roll < 0.45) {
        const value = await cache.get(key)
        reads.push({ key, value, start, end: ++clock, worker: w })
        continue
      }
      let write: Omit<Write, 'end'>
      let op: Promise<unknown>
      if (roll < 0.8) {
        const value = `${w}.${++n}`
        write = { touches: (k) => k === key, value, start }
        op = cache.set(key, value)
      } else if (roll < 0.92) {
        write = { touches: (k) => k === key, start }
        op = cache.delete(key)
      } else if (roll < 0.98) {
        write = { touches: globMatcher(PATTERN), start }
        op = cache.deletePattern(PATTERN)
      } else {
        write = { touches: () => true, start }
        op = cache.clear()
      }
      await op.catch(() => undefined)
      const done = { ...write, end: ++clock }
      writes.push(done)
      if (done.value !== undefined) writers.set(done.value, done)
    }
  }
  await Promise.all(Array.from({ length: run.workers ?? 6 }, (_, w) => worker(w)))
  const violations: string[] = []
  for (const read of reads) {
    if (read.value === undefined) continue
    const source = writers.get(read.value as string)
    if (!source) {
      violations.push(`seed ${run.seed}: get(${read.key}) returned ${String(read.value)}, which no set wrote`)
      continue
    }
    const replaced = writes.find((x) => x.touches(read.key) && x.start > source.end && x.end < read.start)
    if (replaced) {
      violations.push(
        `seed ${run.seed}: get(${read.key}) at t${read.start} returned ${String(read.value)} (set t${source.start}–t${source.end}), replaced by a write t${replaced.start}–t${replaced.end}`,
      )
    }
  }
  return violations
}

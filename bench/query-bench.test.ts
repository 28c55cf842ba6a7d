import { describe, expect, it } from 'vitest'
import { fetchEverything, filterInMemory, load, QUERIES, timed } from './query-bench.js'

describe('query benchmark harness (small N, so it runs in CI)', () => {
  it('answers every benchmarked query like the full-scan baseline, with far fewer requests', async () => {
    const { store, repo } = await load(1000)
    const everything = await timed(store, 0, () => fetchEverything(store))
    expect(everything.requests).toBe(1 + 1000)
    for (const q of QUERIES) {
      const ours = await timed(store, 0, () => q.run(repo))
      const theirs = filterInMemory(everything.result as Record<string, unknown>[], q)
      if (q.label.startsWith('count')) expect(ours.result).toEqual([theirs.length])
      else expect((ours.result as { name: string }[]).map((r) => r.name)).toEqual((theirs as { name: string }[]).map((r) => r.name))
      expect(ours.requests).toBeLessThanOrEqual(21)
    }
  }, 60_000)
})

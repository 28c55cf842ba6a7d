import { instrumentStore, memoryStore } from '@s3verless/core'
import { describe, expect, it } from 'vitest'
import { describeRequests, loadSides, measureSides, OPS, type OpFigures } from './full-scan-bench.js'

const N = 50

describe('full-scan benchmark harness (N=50, memory store, so it runs in CI)', () => {
  it('answers every operation like the baseline, with the README budget on our side and a scan on theirs', async () => {
    const sides = await loadSides(instrumentStore(memoryStore()), N, 16)
    // measureSides throws when the two sides answer differently
    const figures = await measureSides(sides, 0, 2)
    expect(figures.map((f) => f.id)).toEqual(OPS.map((op) => op.id))
    const of = (id: string): OpFigures => figures.find((f) => f.id === id) as OpFigures
    const both = (id: string) => [describeRequests(of(id).ours.requests), describeRequests(of(id).theirs.requests)]
    const scan = `1 LIST + ${N + 3} GET` // 50 loaded, the warm-up's and the two repetitions' creates
    // README "Request budgets": create with u=2 unique and i=2 indexed fields is 1 + u + i PUTs; the
    // baseline's last create scanned the 50 loaded, the warm-up's and the first repetition's records
    expect(both('create')).toEqual(['5 PUT', `1 LIST + ${N + 2} GET + 1 PUT`])
    expect(both('get')).toEqual(['1 GET', '1 GET'])
    expect(both('equality')).toEqual(['1 LIST + 20 GET', scan])
    expect(both('page')).toEqual(['1 LIST + 20 GET', scan])
    expect(both('count')).toEqual(['1 LIST', scan])
    expect(both('countAll')).toEqual(['1 LIST', '1 LIST'])
    expect(both('login')).toEqual(['2 GET', `1 LIST + ${N} GET`])
    expect(of('create').ours.times).toHaveLength(2)
  }, 60_000)
})
